/**
 * What a worker does with a claimed job: the request it recorded goes through
 * the service again, as the caller who submitted it (the service's gates run
 * again at run time: RBAC, policy, secrets, the plan check), and runs with the
 * job's id as its deployment id. An apply, a rollback or a destroy alike.
 */
import { z } from "zod";
import { CodeError } from "../core/errors.js";
import type { EngineEvent } from "../engine/events.js";
import type { ApplyRequest, Change, CodeService, DestroyRequest, RollbackRequest } from "../service/types.js";
import type { Job } from "../state/jobs.js";
import type { JobResult } from "./worker.js";

/** The request as `submitApply` records it (`Change.replay`): a spec, never words. */
const jobRequest = z.object({
  input: z.object({ spec: z.unknown(), origin: z.string().optional() }),
  provider: z.string().optional(),
  acceptRisk: z.boolean().optional(),
  acceptAssumptions: z.boolean().optional(),
  onFailure: z.enum(["rollback", "stop"]).optional(),
  adopt: z.boolean().optional(),
  parallelism: z.number().int().optional(),
  stepTimeoutSeconds: z.number().int().optional(),
  expectPlan: z.string().optional(),
});

/** A rollback's or destroy's request as `submitChange` records it (app and environment are the job's). */
const rollbackRequest = z.object({
  revision: z.number().int().optional(),
  provider: z.string().optional(),
  reconcile: z.boolean().optional(),
  expectPlan: z.string().optional(),
});
const destroyRequest = z.object({
  provider: z.string().optional(),
  purgeData: z.boolean().optional(),
  expectPlan: z.string().optional(),
});

function unreadable(job: Job): CodeError {
  return new CodeError("VALIDATION", `job ${job.id} holds a request this version cannot read`, {
    hint: "the job was queued by another codeploy version; submit it again",
  });
}

type Present<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

/** Only the options the job has: an absent one keeps the service's default. */
function present<T extends object>(options: T): Present<T> {
  // The same keys, those holding undefined dropped: what Present<T> says.
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Present<T>;
}

export function jobRequestOf(job: Job): ApplyRequest {
  const parsed = jobRequest.safeParse(job.request);
  if (job.kind !== "apply" || !parsed.success) throw unreadable(job);
  const { input, ...options } = parsed.data;
  const request: ApplyRequest = {
    ...present(options),
    input: { spec: input.spec, ...(input.origin ? { origin: input.origin } : {}) },
  };
  return request;
}

export function rollbackRequestOf(job: Job): RollbackRequest {
  const parsed = rollbackRequest.safeParse(job.request);
  if (job.kind !== "rollback" || !parsed.success) throw unreadable(job);
  return { ...present(parsed.data), app: job.app, environment: job.environment };
}

export function destroyRequestOf(job: Job): DestroyRequest {
  const parsed = destroyRequest.safeParse(job.request);
  if (job.kind !== "destroy" || !parsed.success) throw unreadable(job);
  return { ...present(parsed.data), app: job.app, environment: job.environment };
}

/** The change the job asks for, made again by the service as the job's caller (every gate runs again). */
async function changeOf(job: Job, service: CodeService, signal: AbortSignal): Promise<Change> {
  switch (job.kind) {
    case "apply":
      return service.apply(jobRequestOf(job), { signal });
    case "rollback":
      return service.rollback(rollbackRequestOf(job));
    case "destroy":
      return service.destroy(destroyRequestOf(job));
    case "unknown":
      throw unreadable(job);
  }
}

export interface RunJobContext {
  readonly signal: AbortSignal;
  readonly onEvent?: (event: EngineEvent) => void;
  /** Whether a deployment with this id was recorded (an error after that point is its outcome). */
  readonly recorded: (id: string) => Promise<boolean>;
  /**
   * For a retry: the id of an earlier attempt of the same submission whose deployment succeeded (its
   * worker died after the deployment ended, before the job did), or undefined.
   */
  readonly succeededBefore?: (job: Job) => Promise<string | undefined>;
}

export async function runJob(job: Job, service: CodeService, ctx: RunJobContext): Promise<JobResult> {
  try {
    // An apply is a desired state: run again, it finds nothing to change. A rollback without a named
    // revision, or a destroy, is not: run again after it succeeded, it would go one revision further
    // back, or destroy again. A retry of one that already succeeded ends there.
    if (job.kind !== "apply" && job.retryOf !== undefined) {
      const done = await ctx.succeededBefore?.(job);
      if (done !== undefined)
        return { end: "unchanged", error: `attempt ${done} of this ${job.kind} succeeded` };
    }
    const change = await changeOf(job, service, ctx.signal);
    // An apply whose spec already runs; a destroy of what runs nothing is refused by running it.
    if (job.kind === "apply" && !change.changes) return { end: "unchanged" };
    const deployment = await change.run({
      deploymentId: job.id,
      signal: ctx.signal,
      ...(ctx.onEvent ? { onEvent: ctx.onEvent } : {}),
    });
    return { end: "done", ...(deployment.outcome ? { outcome: deployment.outcome } : {}) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = error instanceof CodeError ? error.code : undefined;
    if (await ctx.recorded(job.id)) return { end: "done", error: message };
    // Held by someone outside the queue (a CLI apply): the job waits in line again.
    if (code === "LOCKED" || code === "LOCK_HELD") return { end: "wait", error: message };
    return { end: "refused", error: code ? `${code}: ${message}` : message };
  }
}
