/**
 * What the store says runs, read without the engine: the service's status and
 * lookups use these on every command, and importing them must not load the
 * engine, the planner or cockatiel (issue 26: `codeploy status` stays quick).
 */
import type { DeploymentSpec } from "../spec/schema.js";
import type { StateStore } from "../state/types.js";

/** The spec that runs now for the app + environment, if any. */
export async function currentSpec(
  store: StateStore,
  app: string,
  environment: string,
): Promise<DeploymentSpec | undefined> {
  const [status] = await store.status({ app, environment });
  if (status?.currentRevision === undefined) return undefined;
  const revision = await store.getRevision({ app, environment }, status.currentRevision);
  return revision?.spec as DeploymentSpec | undefined;
}

/**
 * The provider that made what runs now: the one recorded with the latest
 * succeeded apply or rollback (undefined when none was recorded, as before
 * providers were).
 */
export async function recordedProvider(
  store: StateStore,
  key: { app: string; environment: string },
): Promise<string | undefined> {
  const recent = await store.listDeployments({ ...key, limit: 200 });
  return recent.find((d) => d.outcome === "succeeded" && d.action !== "destroy" && d.provider !== undefined)
    ?.provider;
}
