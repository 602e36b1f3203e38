/**
 * Deployments submitted to the queue, as GET /v1/deployments/{id} shows them:
 * before a worker records the deployment, the job stands in for it (state
 * `queued`, or how it ended without running: `refused`, `unchanged`,
 * `interrupted`); afterwards the deployment carries its job (attempt, retry links).
 */
import type { Job } from "../../state/jobs.js";
import type { Deployment } from "../../state/types.js";

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
    action: "apply" as const,
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
