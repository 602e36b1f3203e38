import { describe, expect, it } from "vitest";
import { auditHash, auditMac, canonicalJson, GENESIS_HASH } from "./audit-chain.js";
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
    it("chains records by keyed MAC and verifies the chain", async () => {
      const { store, auditKey } = harness();
      await expect(store.verifyAudit()).resolves.toMatchObject({ ok: true, count: 0 });
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
      expect(first.hash).toBe(auditMac(auditKey, GENESIS_HASH, content));
      expect(first.hash).not.toBe(auditHash(GENESIS_HASH, content));
      const second = await store.appendAudit({ actor: "bo", command: "status", outcome: "ok" });
      expect(second).toMatchObject({ seq: 2, prevHash: first.hash, target: undefined, details: undefined });
      await expect(store.verifyAudit()).resolves.toEqual({
        ok: true,
        count: 2,
        legacy: 0,
        anchored: true,
        head: { seq: 2, mac: second.hash },
      });
      expect((await store.listAudit({ newestFirst: true, limit: 1 })).map((r) => r.seq)).toEqual([2]);
      expect((await store.listAudit({ afterSeq: 1 })).map((r) => r.command)).toEqual(["status"]);
    });

    it("detects a record edited behind its back, at that record", async () => {
      await appendFive(ctx);
      await harness().sql("update audit_log set outcome = 'failed' where seq = 3");
      const result = await harness().store.verifyAudit();
      expect(result).toMatchObject({ ok: false, count: 5, brokenAt: 3 });
      expect(result.ok === false && result.reason).toContain("does not match its MAC");
    });

    it("detects a deleted record and a forged link", async () => {
      await appendFive(ctx);
      await harness().sql("delete from audit_log where seq = 2");
      expect(await harness().store.verifyAudit()).toMatchObject({ ok: false, count: 4, brokenAt: 2 });
      await harness().sql("delete from audit_log where seq > 2");
      // Someone with the database only: an unkeyed record appended after keyed ones.
      await (await harness().open({ unkeyed: true }))
        .appendAudit({ actor: "eve", command: "apply", outcome: "ok" })
        .catch(() => undefined);
      await harness().sql(`update audit_log set prev_hash = '${"f".repeat(64)}' where seq = 1`);
      const result = await harness().store.verifyAudit();
      expect(result).toMatchObject({ ok: false, brokenAt: 1 });
      expect(result.ok === false && result.reason).toContain("prevHash");
    });

    it("fails at the first forged record when the chain is recomputed from the database alone", async () => {
      await appendFive(ctx);
      const rows = (await harness().sql("select * from audit_log order by seq")) as {
        seq: number;
        at: string;
        actor: string;
        command: string;
        target: string | null;
        outcome: string;
        details_json: string | null;
      }[];
      // The forger edits record 3 and recomputes every later link the only way they can: unkeyed sha256.
      let prev = String(
        ((await harness().sql("select hash from audit_log where seq = 2"))[0] as { hash: string }).hash,
      );
      for (const r of rows.filter((x) => x.seq >= 3)) {
        const details = r.details_json === null ? null : JSON.parse(r.details_json);
        const outcome = r.seq === 3 ? "failed" : r.outcome;
        const content = {
          seq: r.seq,
          at: r.at,
          actor: r.actor,
          command: r.command,
          target: r.target,
          outcome,
          details,
        };
        const hash = auditHash(prev, content);
        await harness().sql(
          `update audit_log set outcome = '${outcome}', prev_hash = '${prev}', hash = '${hash}', scheme = 'sha256', details_json = '${canonicalJson(details)}' where seq = ${r.seq}`,
        );
        prev = hash;
      }
      const relabelled = await harness().store.verifyAudit();
      expect(relabelled).toMatchObject({ ok: false, brokenAt: 3 });
      expect(relabelled.ok === false && relabelled.reason).toContain("unkeyed record after keyed ones");
      // Kept as keyed records with a guessed key: the MAC gives it away, at the same record.
      await harness().sql("update audit_log set scheme = 'hmac-sha256' where seq >= 3");
      const guessed = await harness().store.verifyAudit();
      expect(guessed).toMatchObject({ ok: false, brokenAt: 3 });
      expect(guessed.ok === false && guessed.reason).toContain("does not match its MAC");
    });

    it("reports records removed from the end, and an emptied log, against the anchor", async () => {
      await appendFive(ctx);
      await harness().sql("delete from audit_log where seq >= 4");
      const cut = await harness().store.verifyAudit();
      expect(cut).toMatchObject({ ok: false, count: 3, brokenAt: 4 });
      expect(cut.ok === false && cut.reason).toMatch(
        /records 4\.\.5 are missing: the anchor in .*audit\.head holds record 5/,
      );
      await harness().sql("delete from audit_log");
      const emptied = await harness().store.verifyAudit();
      expect(emptied).toMatchObject({ ok: false, count: 0, brokenAt: 1 });
      expect(emptied.ok === false && emptied.reason).toContain("the log is empty");
    });

    it("gives its head and checks a head stored elsewhere", async () => {
      const { store } = harness();
      expect(await store.auditHead()).toBeUndefined();
      await appendFive(ctx);
      const head = await store.auditHead();
      expect(head).toMatchObject({ seq: 5, mac: expect.stringMatching(/^[0-9a-f]{64}$/) });
      if (head === undefined) return;
      await store.appendAudit({ actor: "ana", command: "later", outcome: "ok" });
      await expect(store.verifyAudit({ head })).resolves.toMatchObject({ ok: true, count: 6 });
      const wrong = await store.verifyAudit({ head: { seq: 5, mac: "0".repeat(64) } });
      expect(wrong).toMatchObject({ ok: false, brokenAt: 5 });
      expect(wrong.ok === false && wrong.reason).toContain("not the one the given head holds");
      await expect(store.verifyAudit({ head: { seq: 9, mac: head.mac } })).resolves.toMatchObject({
        ok: false,
        brokenAt: 7,
      });
    });

    it("verifies records written before the key as legacy, only at the start of the chain", async () => {
      const old = await harness().open({ unkeyed: true });
      await old.appendAudit({ actor: "ana", command: "apply", outcome: "ok" });
      await old.appendAudit({ actor: "ana", command: "status", outcome: "ok" });
      const { store } = harness();
      await store.appendAudit({ actor: "bo", command: "apply", outcome: "ok" });
      await expect(store.verifyAudit()).resolves.toMatchObject({
        ok: true,
        count: 3,
        legacy: 2,
        anchored: true,
      });
      // Once keyed, a process without the key may not extend the chain.
      await expect(old.appendAudit({ actor: "eve", command: "x", outcome: "ok" })).rejects.toMatchObject({
        code: "STATE_STORE",
      });
      await harness().sql("update audit_log set actor = 'eve' where seq = 1");
      await expect(store.verifyAudit()).resolves.toMatchObject({ ok: false, brokenAt: 1 });
    });

    it("never forks under concurrent writers on two connections", async () => {
      const { store, open } = harness();
      const other = await open();
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 === 0 ? store : other).appendAudit({ actor: `w${i % 2}`, command: `c${i}`, outcome: "ok" }),
        ),
      );
      await expect(store.verifyAudit()).resolves.toMatchObject({ ok: true, count: 40, anchored: true });
      expect((await store.listAudit()).map((r) => r.seq)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
    });
  });
}
