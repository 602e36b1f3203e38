import { describe, expect, it } from "vitest";
import { auditHash, GENESIS_HASH } from "./audit-chain.js";
import type { ContractContext } from "./store.contract.js";

async function appendFive(ctx: ContractContext): Promise<void> {
  const { store } = ctx.harness();
  for (const command of ["interpret", "plan", "apply", "status", "unlock"]) {
    await store.appendAudit({
      actor: "ana",
      command,
      target: "shop/dev",
      outcome: "ok",
      details: { command },
    });
    ctx.clock().advance(1000);
  }
}

export function defineAuditContract(ctx: ContractContext): void {
  const { harness } = ctx;
  describe("audit", () => {
    it("chains records by hash and verifies the chain", async () => {
      const { store } = harness();
      await expect(store.verifyAudit()).resolves.toEqual({ ok: true, count: 0 });
      const first = await store.appendAudit({
        actor: "ana",
        command: "apply",
        target: "shop/dev",
        outcome: "refused",
        details: { reason: "locked", b: [1, { z: 1, a: 2 }], password: "hunter2" },
      });
      expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, at: "2026-01-01T00:00:00.000Z" });
      expect(first.details).toEqual({ reason: "locked", b: [1, { z: 1, a: 2 }], password: "[redacted]" });
      const { seq, at, actor, command, outcome } = first;
      const content = { seq, at, actor, command, target: "shop/dev", outcome, details: first.details };
      expect(first.hash).toBe(auditHash(GENESIS_HASH, content));
      const second = await store.appendAudit({ actor: "bo", command: "status", outcome: "ok" });
      expect(second).toMatchObject({ seq: 2, prevHash: first.hash, target: undefined, details: undefined });
      await expect(store.verifyAudit()).resolves.toEqual({ ok: true, count: 2 });
      expect((await store.listAudit({ newestFirst: true, limit: 1 })).map((r) => r.seq)).toEqual([2]);
      expect((await store.listAudit({ afterSeq: 1 })).map((r) => r.command)).toEqual(["status"]);
    });

    it("detects a record edited behind its back, at that record", async () => {
      await appendFive(ctx);
      await harness().sql("update audit_log set outcome = 'failed' where seq = 3");
      const result = await harness().store.verifyAudit();
      expect(result).toMatchObject({ ok: false, count: 5, brokenAt: 3 });
      expect(result.ok === false && result.reason).toContain("does not match its hash");
    });

    it("detects a deleted record and a forged link", async () => {
      await appendFive(ctx);
      await harness().sql("delete from audit_log where seq = 2");
      expect(await harness().store.verifyAudit()).toMatchObject({ ok: false, count: 4, brokenAt: 2 });
      await harness().sql("delete from audit_log where seq > 2");
      await harness().store.appendAudit({ actor: "eve", command: "apply", outcome: "ok" });
      await harness().sql(`update audit_log set prev_hash = '${"f".repeat(64)}' where seq = 1`);
      const result = await harness().store.verifyAudit();
      expect(result).toMatchObject({ ok: false, brokenAt: 1 });
      expect(result.ok === false && result.reason).toContain("prevHash");
    });

    it("never forks under concurrent writers on two connections", async () => {
      const { store, open } = harness();
      const other = await open();
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 === 0 ? store : other).appendAudit({ actor: `w${i % 2}`, command: `c${i}`, outcome: "ok" }),
        ),
      );
      await expect(store.verifyAudit()).resolves.toEqual({ ok: true, count: 40 });
      expect((await store.listAudit()).map((r) => r.seq)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
    });
  });
}
