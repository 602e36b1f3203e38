/**
 * Deployments waiting in the queue (API servers and workers on Postgres), as
 * status and history show them: not recorded as deployments until a worker
 * starts them, so they are read from the job table and listed apart.
 */
import type { StateStore } from "../state/types.js";
import type { Caller, EnvironmentRequest, QueuedView, StatusAnswer } from "./types.js";

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
      actor: j.actor,
      state: j.state === "claimed" ? ("claimed" as const) : ("queued" as const),
      attempt: j.attempt,
      submittedAt: j.submittedAt,
      ...(j.retryOf ? { retryOf: j.retryOf } : {}),
    }));
}

/** Adds `queued` (how many wait in line) to each environment that has some. */
export async function withQueued(
  store: StateStore,
  caller: Caller,
  filter: Partial<EnvironmentRequest>,
  answer: StatusAnswer,
): Promise<StatusAnswer> {
  const queued = await queuedOf(store, caller, filter);
  if (queued === undefined || queued.length === 0) return answer;
  const count = new Map<string, number>();
  for (const q of queued)
    count.set(`${q.app}/${q.environment}`, (count.get(`${q.app}/${q.environment}`) ?? 0) + 1);
  return {
    environments: answer.environments.map((e) => {
      const n = count.get(`${e.app}/${e.environment}`);
      return n === undefined ? e : { ...e, queued: n };
    }),
  };
}
