import { describe, expect, it } from "vitest";
import type { DraftRow } from "./dashboard-drafts.js";
import type { ContractContext } from "./store.contract.js";

const T0 = Date.parse("2026-01-01T00:00:00.000Z");
const MIN = 60_000;
const roomy = { perSession: 100, total: 100 };

const row = (n: number, session = "s-1", at = T0 + n): DraftRow => ({
  idHash: `draft-${n}`,
  sessionHash: session,
  sealed: `sealed-${n}`,
  createdAt: at,
});

export function defineDraftContract({ harness }: ContractContext): void {
  describe("dashboard drafts", () => {
    it("are seen from another store on the database, by their session only, and taken once", async () => {
      const { store, open } = harness();
      const other = await open();
      await store.drafts.insert(row(1), roomy);
      expect(await other.drafts.get("draft-1", "s-1")).toEqual(row(1));
      expect(await other.drafts.get("draft-1", "s-2")).toBeUndefined();
      expect(await other.drafts.take("draft-1", "s-2")).toBe(false);
      expect(await other.drafts.take("draft-1", "s-1")).toBe(true);
      expect(await store.drafts.take("draft-1", "s-1")).toBe(false);
      expect(await store.drafts.get("draft-1", "s-1")).toBeUndefined();
    });

    it("keep at most the caps, per session and in all, dropping the oldest first", async () => {
      const { store, sql } = harness();
      for (const n of [3, 1, 2]) await store.drafts.insert(row(n), { perSession: 3, total: 10 });
      await store.drafts.insert(row(4), { perSession: 3, total: 10 });
      expect(await store.drafts.get("draft-1", "s-1")).toBeUndefined();
      for (const n of [2, 3, 4]) expect(await store.drafts.get(`draft-${n}`, "s-1")).toBeDefined();
      // Another session's drafts count toward the total only.
      await store.drafts.insert(row(5, "s-2"), { perSession: 3, total: 4 });
      expect(await sql("select id_hash from dashboard_drafts where session_hash = 's-1'")).toHaveLength(3);
      await store.drafts.insert(row(6, "s-2"), { perSession: 3, total: 4 });
      expect(await sql("select id_hash from dashboard_drafts")).toHaveLength(4);
      expect(await store.drafts.get("draft-2", "s-1")).toBeUndefined();
    });

    it("prune rows created before the cut, at most `limit` per call", async () => {
      const { store, sql } = harness();
      for (let n = 0; n < 5; n++) await store.drafts.insert(row(n, "s-1", T0), roomy);
      await store.drafts.insert(row(10, "s-1", T0 + 10 * MIN), roomy);
      expect(await store.drafts.prune(T0 + MIN, 3)).toBe(3);
      expect(await store.drafts.prune(T0 + MIN, 3)).toBe(2);
      expect(await store.drafts.prune(T0 + MIN, 3)).toBe(0);
      expect(await sql("select id_hash from dashboard_drafts")).toEqual([{ id_hash: "draft-10" }]);
    });
  });
}
