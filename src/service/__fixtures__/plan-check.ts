/**
 * A local service for plan-check tests on any real store (SQLite or Postgres), the null provider
 * and the built-in review, and a store whose next acquireLock first runs a hook: the window
 * between every check a change makes before its run and the moment its run holds the lock.
 */
import { CodeError } from "../../core/errors.js";
import { createNullProvider } from "../../providers/null/index.js";
import { hashArtifacts, render } from "../../render/index.js";
import { planToJson, reviewPlan } from "../../review/index.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import { validateSpec } from "../../spec/validate.js";
import type { StateStore } from "../../state/types.js";
import { createLocalService, localCaller } from "../local.js";
import type { CodeService } from "../types.js";

const SEED = "plan-check-test";

export const specOf = (image: string, name = "shop"): DeploymentSpec =>
  validateSpec({ name, environment: "staging", services: [{ name: "web", image, port: 80 }] });

/** What the engine needs to deploy straight to the store (another change, outside the service). */
export const engineDeps = (store: StateStore) => ({
  store,
  providerFor: () => createNullProvider(),
  render: (s: DeploymentSpec) => render(s, { secretSeed: SEED }),
  hashArtifacts,
});

export function serviceOn(store: StateStore, actor = "reviewer"): CodeService {
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
    localCaller(actor),
  );
}

/** `store` whose next acquireLock first awaits the hook given to `beforeLock` (once). */
export function withLockHook(store: StateStore) {
  let pending: (() => Promise<unknown>) | undefined;
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
  return {
    store: hooked,
    beforeLock: (fn: () => Promise<unknown>) => {
      pending = fn;
    },
  };
}

/** The code of the CodeError `work` ends with, or "none". */
export async function codeOf(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (error) {
    if (error instanceof CodeError) return error.code;
    throw error;
  }
  return "none";
}
