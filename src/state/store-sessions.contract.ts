import { describe, expect, it } from "vitest";
import type { SessionRow } from "./sessions.js";
import type { ContractContext } from "./store.contract.js";

const T0 = Date.parse("2026-01-01T00:00:00.000Z");
const MIN = 60_000;

const row = (n: number, at = T0 + n): SessionRow => ({
  idHash: `hash-${n}`,
  actor: `key:user-${n}`,
  csrf: `csrf-${n}`,
  sealed: `sealed-${n}`,
  createdAt: at,
  lastSeen: at,
});

export function defineSessionContract({ harness }: ContractContext): void {
  describe("dashboard sessions", () => {
    it("are shared by every store on the database: seen, touched and deleted from another", async () => {
      const { store, open } = harness();
      const other = await open();
      await store.sessions.insert(row(1), 100);
      expect(await other.sessions.get("hash-1")).toEqual(row(1));
      await other.sessions.touch("hash-1", T0 + 5 * MIN);
      expect((await store.sessions.get("hash-1"))?.lastSeen).toBe(T0 + 5 * MIN);
      // Never moves back (two servers touching out of order).
      await store.sessions.touch("hash-1", T0 + 2 * MIN);
      expect((await other.sessions.get("hash-1"))?.lastSeen).toBe(T0 + 5 * MIN);
      await other.sessions.delete("hash-1");
      expect(await store.sessions.get("hash-1")).toBeUndefined();
      expect(await store.sessions.get("hash-2")).toBeUndefined();
    });

    it("keep at most the cap, dropping the oldest first", async () => {
      const { store, sql } = harness();
      for (const n of [3, 1, 2]) await store.sessions.insert(row(n), 3);
      await store.sessions.insert(row(4), 3);
      expect(await store.sessions.get("hash-1")).toBeUndefined();
      for (const n of [2, 3, 4]) expect(await store.sessions.get(`hash-${n}`)).toBeDefined();
      expect(await sql("select id_hash from dashboard_sessions")).toHaveLength(3);
    });

    it("prune expired rows only, at most `limit` per call", async () => {
      const { store, sql } = harness();
      for (let n = 0; n < 5; n++) await store.sessions.insert(row(n, T0), 100);
      await store.sessions.insert(row(10, T0 + 10 * MIN), 100);
      const idleBefore = T0 + 5 * MIN;
      expect(await store.sessions.prune(idleBefore, T0 - MIN, 3)).toBe(3);
      expect(await store.sessions.prune(idleBefore, T0 - MIN, 3)).toBe(2);
      expect(await store.sessions.prune(idleBefore, T0 - MIN, 3)).toBe(0);
      expect(await sql("select id_hash from dashboard_sessions")).toEqual([{ id_hash: "hash-10" }]);
      // Too old by creation, though seen recently.
      await store.sessions.touch("hash-10", T0 + 20 * MIN);
      expect(await store.sessions.prune(T0, T0 + 11 * MIN, 3)).toBe(1);
      expect(await store.sessions.get("hash-10")).toBeUndefined();
    });
  });
}
