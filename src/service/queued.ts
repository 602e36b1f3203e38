/**
 * Deployments waiting in the queue (API servers and workers on Postgres), as
 * history shows them: not recorded as deployments until a worker starts them,
 * so they are read from the job table and listed apart. (Status counts them
 * per environment in the store's own query: state/status.ts.)
 */
import { jobAction } from "../state/jobs.js";
import type { StateStore } from "../state/types.js";
import type { Caller, EnvironmentRequest, QueuedView } from "./types.js";

/** Open jobs (queued or claimed, not started yet) of an app (and environment), in line order. */
export async function queuedOf(
  store: StateStore,
  caller: Caller,
  filter: Partial<EnvironmentRequest>,
): Promise<QueuedView[] | undefined> {
  if (store.jobs === undefined) return undefined;
  const open = await store.jobs.open({
    ...(filter.app !== undefined ? { app: filter.app } : {}),
    ...(filter.environment !== undefined ? { environment: filter.environment } : {}),
    limit: 1000,
  });
  return open
    .filter((j) => caller.sees(j.environment))
    .map((j) => ({
      id: j.id,
      app: j.app,
      environment: j.environment,
      action: jobAction(j),
      actor: j.actor,
      state: j.state === "claimed" ? ("claimed" as const) : ("queued" as const),
      attempt: j.attempt,
      submittedAt: j.submittedAt,
      ...(j.retryOf ? { retryOf: j.retryOf } : {}),
    }));
}
