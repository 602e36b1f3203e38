/** Drift events and the source commit of a revision: the same behaviour on every backend. */
import { describe, expect, it } from "vitest";
import type { ContractContext } from "./store.contract.js";

const shop = { app: "shop", environment: "dev" } as const;
const keepAll = { keep: 1000, maxAgeDays: 90 };

function event(resources: number, checker = "ana") {
  return {
    ...shop,
    revision: 3,
    provider: "docker",
    resources,
    summary: { items: [{ kind: "container", path: "/env/TOKEN", actual: "x" }], password: "hunter2" },
    checker,
  };
}

export function defineDriftContract({ harness, clock }: ContractContext): void {
  describe("drift events", () => {
    it("numbers events per app + environment, lists newest first in pages, redacts secret-looking values", async () => {
      const { store } = harness();
      for (const n of [1, 2, 3, 4, 5]) {
        await store.driftEvents.record(event(n), keepAll);
        clock().advance(1000);
      }
      await store.driftEvents.record({ ...event(9), environment: "prod" }, keepAll);
      const first = await store.driftEvents.list(shop, { limit: 2 });
      expect(first.events.map((e) => [e.seq, e.resources])).toEqual([
        [5, 5],
        [4, 4],
      ]);
      expect(first.next).toBe(4);
      const second = await store.driftEvents.list(shop, { limit: 2, before: first.next });
      expect(second.events.map((e) => e.seq)).toEqual([3, 2]);
      const last = await store.driftEvents.list(shop, { limit: 2, before: second.next });
      expect(last.events.map((e) => e.seq)).toEqual([1]);
      expect(last.next).toBeUndefined();
      const [one] = last.events;
      expect(one).toMatchObject({
        ...shop,
        revision: 3,
        provider: "docker",
        checker: "ana",
        healed: false,
        heal: undefined,
        at: "2026-01-01T00:00:00.000Z",
      });
      expect(one?.summary).toEqual({
        items: [{ kind: "container", path: "/env/TOKEN", actual: "x" }],
        password: "[redacted]",
      });
      expect((await store.driftEvents.list({ ...shop, environment: "prod" })).events).toHaveLength(1);
    });

    it("records how a self-heal ended on its event", async () => {
      const { store, open } = harness();
      const recorded = await store.driftEvents.record(event(2, "codeploy-drift"), keepAll);
      expect(
        await store.driftEvents.setHeal(shop, recorded.seq, {
          deployment: "d-1",
          outcome: "succeeded",
          driftAfter: 0,
        }),
      ).toBe(true);
      expect(await store.driftEvents.setHeal(shop, 99, { outcome: "failed" })).toBe(false);
      // Another process reads the same.
      const [healed] = (await (await open()).driftEvents.list(shop)).events;
      expect(healed).toMatchObject({
        healed: true,
        heal: { deployment: "d-1", outcome: "succeeded", driftAfter: 0 },
      });
    });

    it("keeps at most `keep` events per app + environment, and none older than maxAgeDays", async () => {
      const { store } = harness();
      for (const n of [1, 2, 3, 4]) await store.driftEvents.record(event(n), { keep: 3, maxAgeDays: 90 });
      await store.driftEvents.record({ ...event(1), environment: "prod" }, { keep: 3, maxAgeDays: 90 });
      expect((await store.driftEvents.list(shop)).events.map((e) => e.seq)).toEqual([4, 3, 2]);
      clock().advance(2 * 86_400_000);
      await store.driftEvents.record(event(7), { keep: 3, maxAgeDays: 1 });
      expect((await store.driftEvents.list(shop)).events.map((e) => e.seq)).toEqual([5]);
      // Another environment's events are not its to drop.
      expect((await store.driftEvents.list({ ...shop, environment: "prod" })).events).toHaveLength(1);
    });
  });

  describe("revision source commit", () => {
    it("is kept with the revision the spec was read for", async () => {
      const { store } = harness();
      const commit = "0123456789abcdef0123456789abcdef01234567";
      await store.createRevision({ ...shop, spec: { name: "shop" }, actor: "ana", sourceCommit: commit });
      await store.createRevision({ ...shop, spec: { name: "shop" }, actor: "ana" });
      const [withSource, without] = await store.listRevisions(shop);
      expect(withSource?.sourceCommit).toBe(commit);
      expect(without?.sourceCommit).toBeUndefined();
    });
  });
}
