/**
 * Deployments submitted to the queue, as GET /v1/deployments/{id} shows them:
 * before a worker records the deployment, the job stands in for it (state
 * `queued`, or how it ended without running: `refused`, `unchanged`,
 * `interrupted`); afterwards the deployment carries its job (attempt, retry links).
 */
import { type Job, type JobStore, jobAction } from "../../state/jobs.js";
import type { Deployment, StateStore } from "../../state/types.js";
import type { AwaitStart } from "../sse.js";

export function queueOf(job: Job) {
  return {
    state: job.state,
    attempt: job.attempt,
    ...(job.retryOf ? { retryOf: job.retryOf } : {}),
    ...(job.retriedAs ? { retriedAs: job.retriedAs } : {}),
    submittedAt: job.submittedAt,
    ...(job.error ? { error: job.error } : {}),
  };
}

const JOB_ONLY_STATE = {
  queued: "queued",
  claimed: "queued",
  done: "interrupted",
  unchanged: "unchanged",
  refused: "refused",
  interrupted: "interrupted",
  "handed-back": "interrupted",
} as const satisfies Record<Job["state"], string>;

/** A job with no deployment recorded (yet). */
export function jobOnlyView(job: Job) {
  return {
    id: job.id,
    app: job.app,
    environment: job.environment,
    number: 0,
    revision: 0,
    action: jobAction(job),
    actor: job.actor,
    startedAt: job.submittedAt,
    ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
    ...(job.error ? { error: job.error } : {}),
    state: JOB_ONLY_STATE[job.state],
    eventCount: 0,
    queue: queueOf(job),
  };
}

export function withJob(d: Deployment, job: Job | undefined) {
  const { provider: _p, ...view } = d;
  return job === undefined ? view : { ...view, queue: queueOf(job) };
}

/**
 * The event stream of a queued deployment waits (polling every `pollMs`) for a worker to record it,
 * then follows it as any other; a job that ends without a deployment ends the stream with its view.
 */
export function awaitStart(store: StateStore, jobs: JobStore, id: string, pollMs: number): AwaitStart {
  return async (gone) => {
    while (!gone()) {
      if ((await store.getDeployment(id)) !== undefined) return undefined;
      const job = await jobs.get(id);
      if (job === undefined) return undefined;
      if (job.state !== "queued" && job.state !== "claimed") {
        // Recorded meanwhile (it ran), or ended without a deployment.
        return (await store.getDeployment(id)) === undefined ? jobOnlyView(job) : undefined;
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    return undefined;
  };
}
