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
import { CodeError } from "../core/errors.js";
import { deploy } from "../engine/deploy.js";
import { createNullProvider } from "../providers/null/index.js";
import { hashArtifacts, render } from "../render/index.js";
import { planToJson, reviewPlan } from "../review/index.js";
import type { DeploymentSpec } from "../spec/schema.js";
import { validateSpec } from "../spec/validate.js";
import { openStateStore } from "../state/store.js";
import type { StateStore } from "../state/types.js";
import { createLocalService, localCaller } from "./local.js";
import type { CodeService } from "./types.js";

const SEED = "plan-check-test";
const specOf = (image: string, name = "shop"): DeploymentSpec =>
  validateSpec({ name, environment: "staging", services: [{ name: "web", image, port: 80 }] });

const engineDeps = (store: StateStore) => ({
  store,
  providerFor: () => createNullProvider(),
  render: (s: DeploymentSpec) => render(s, { secretSeed: SEED }),
  hashArtifacts,
});

function serviceOn(store: StateStore): CodeService {
  return createLocalService(
    {
      store,
      interpret: () => {
        throw new Error("these tests send specs, never words");
      },
      review: async (spec, current) =>
        planToJson(reviewPlan(spec, { ...(current ? { current } : {}), render: { secretSeed: SEED } })),
      provider: () => createNullProvider(),
      render: (spec, secrets) => render(spec, { secretSeed: SEED, secrets }),
      hashArtifacts,
      secrets: { env: {}, scope: {}, undeclared: "warn" },
      surface: "cli",
      recordAudit: true,
    },
    localCaller("reviewer"),
  );
}

/**
 * The store with one hook: `beforeLock` runs once, right before the next acquireLock goes to the
 * store, i.e. after every check a change makes before its run and before it holds the lock.
 */
function withLockHook(store: StateStore) {
  let pending: (() => Promise<void>) | undefined;
  const hooked = new Proxy(store, {
    get(target, key, receiver) {
      if (key === "acquireLock") {
        return async (...args: Parameters<StateStore["acquireLock"]>) => {
          const hook = pending;
          pending = undefined;
          await hook?.();
          return target.acquireLock(...args);
        };
      }
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { store: hooked, beforeLock: (fn: () => Promise<void>) => (pending = fn) };
}

async function codeOf(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (error) {
    if (error instanceof CodeError) return error.code;
    throw error;
  }
  return "none";
}

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
