/**
 * The plan check through the local service on a real SQLite store and the null provider:
 * a change given the planId of its reviewed plan runs; one given another plan's id, or one made
 * before a deployment that happened since, is refused (exit 1) and nothing is recorded. The race:
 * a deployment that finishes after the change was made but before its run takes the lock is
 * caught, because the check runs again under the lock (injected through the store's acquireLock,
 * no sleeps).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { errorMapping } from "../core/error-codes.js";
import { deploy } from "../engine/deploy.js";
import { openStateStore } from "../state/store.js";
import type { StateStore } from "../state/types.js";
import { codeOf, engineDeps, serviceOn, specOf, withLockHook } from "./__fixtures__/plan-check.js";

const homes: string[] = [];
const stores: StateStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const h of homes.splice(0)) await rm(h, { recursive: true, force: true });
});

async function openStore(): Promise<StateStore> {
  const home = await mkdtemp(join(tmpdir(), "cdp-plan-check-"));
  homes.push(home);
  const store = await openStateStore({ home });
  stores.push(store);
  return store;
}

describe("the plan check of the local service", () => {
  it("applies with the planId of the reviewed plan, refuses another spec's planId (PLAN_MISMATCH, exit 1)", async () => {
    const service = serviceOn(await openStore());
    const reviewed = specOf("nginx:1.27");
    const { planId } = await service.plan({ input: { spec: reviewed } });
    expect(planId).toMatch(/^apply\./);
    const other = (await service.plan({ input: { spec: specOf("nginx:1.28") } })).planId;
    expect(other).not.toBe(planId);

    const mismatch = await codeOf(() => service.apply({ input: { spec: reviewed }, expectPlan: other }));
    expect(mismatch).toBe("PLAN_MISMATCH");
    expect(errorMapping("PLAN_MISMATCH").exit).toBe(1);

    const change = await service.apply({ input: { spec: reviewed }, expectPlan: planId });
    expect((await change.run()).outcome).toBe("succeeded");
  });

  it("refuses a planId made before a deployment that happened since (PLAN_STALE), recording nothing", async () => {
    const store = await openStore();
    const service = serviceOn(store);
    await deploy({ spec: specOf("nginx:1.26"), actor: "earlier" }, engineDeps(store));
    const wanted = specOf("nginx:1.27");
    const { planId } = await service.plan({ input: { spec: wanted } });
    // Someone else deploys after the review (another spec, another image).
    await deploy({ spec: specOf("nginx:1.25"), actor: "someone" }, engineDeps(store));
    const before = (await store.listDeployments({ app: "shop", environment: "staging" })).length;

    expect(await codeOf(() => service.apply({ input: { spec: wanted }, expectPlan: planId }))).toBe(
      "PLAN_STALE",
    );
    expect(errorMapping("PLAN_STALE").exit).toBe(1);
    expect(await store.listDeployments({ app: "shop", environment: "staging" })).toHaveLength(before);
    const refusals = (await store.listAudit({})).filter((r) => r.outcome === "refused");
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ command: "apply", target: "shop/staging" });
    expect(refusals[0]?.details).toMatchObject({ reason: "plan", code: "PLAN_STALE" });
  });

  it("catches a deployment that finishes after the change was checked and before its run holds the lock", async () => {
    const raw = await openStore();
    const { store, beforeLock } = withLockHook(raw);
    const service = serviceOn(store);
    await deploy({ spec: specOf("nginx:1.26"), actor: "earlier" }, engineDeps(raw));
    const wanted = specOf("nginx:1.27");
    const { planId } = await service.plan({ input: { spec: wanted } });
    // Every check before the run passes: nothing happened since the plan.
    const change = await service.apply({ input: { spec: wanted }, expectPlan: planId });
    expect(change.changes).toBe(true);
    // The race: another change completes in the window before this run's lock.
    beforeLock(async () => {
      await deploy({ spec: specOf("nginx:1.25"), actor: "racer" }, engineDeps(raw));
    });
    expect(await codeOf(() => change.run())).toBe("PLAN_STALE");
    const deployments = await raw.listDeployments({ app: "shop", environment: "staging" });
    expect(deployments.map((d) => d.actor)).toEqual(["racer", "earlier"]);
    // The refused run let go of the lock: the next change runs.
    expect(await raw.getLock({ app: "shop", environment: "staging" })).toBeUndefined();
  });

  it("does the same for rollback and destroy: their planIds hold only until something else runs", async () => {
    const raw = await openStore();
    const { store, beforeLock } = withLockHook(raw);
    const service = serviceOn(store);
    await deploy({ spec: specOf("nginx:1.26"), actor: "first" }, engineDeps(raw));
    await deploy({ spec: specOf("nginx:1.27"), actor: "second" }, engineDeps(raw));

    // A rollback shown (planId) then run with it: the planId of what was shown.
    const shown = await service.rollback({ app: "shop", environment: "staging" });
    expect(shown.planId).toMatch(/^rollback\./);
    const rollback = await service.rollback({
      app: "shop",
      environment: "staging",
      expectPlan: shown.planId,
    });
    beforeLock(async () => {
      await deploy({ spec: specOf("nginx:1.28"), actor: "racer" }, engineDeps(raw));
    });
    expect(await codeOf(() => rollback.run())).toBe("PLAN_STALE");
    // Another action's planId is another plan.
    expect(
      await codeOf(() => service.destroy({ app: "shop", environment: "staging", expectPlan: shown.planId })),
    ).toBe("PLAN_MISMATCH");

    const destroyPlan = (await service.destroy({ app: "shop", environment: "staging" })).planId;
    const destroy = await service.destroy({ app: "shop", environment: "staging", expectPlan: destroyPlan });
    beforeLock(async () => {
      await deploy({ spec: specOf("nginx:1.29"), actor: "racer" }, engineDeps(raw));
    });
    expect(await codeOf(() => destroy.run())).toBe("PLAN_STALE");

    // Without a race the reviewed destroy runs.
    const fresh = (await service.destroy({ app: "shop", environment: "staging" })).planId;
    const run = await (
      await service.destroy({ app: "shop", environment: "staging", expectPlan: fresh })
    ).run();
    expect(run).toMatchObject({ action: "destroy", outcome: "succeeded" });
  });
});
