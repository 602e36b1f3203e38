/**
 * What a worker does with a claimed job: the request it recorded goes through
 * the service again, as the caller who submitted it (the service's gates run
 * again at run time: RBAC, policy, secrets, the plan check), and runs with the
 * job's id as its deployment id.
 */
import { z } from "zod";
import { CodeError } from "../core/errors.js";
import type { EngineEvent } from "../engine/events.js";
import type { ApplyRequest, CodeService } from "../service/types.js";
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

export function jobRequestOf(job: Job): ApplyRequest {
  const parsed = jobRequest.safeParse(job.request);
  if (!parsed.success) {
    throw new CodeError("VALIDATION", `job ${job.id} holds a request this version cannot read`, {
      hint: "the job was queued by another codeploy version; submit it again",
    });
  }
  const { input, ...options } = parsed.data;
  // Only the options the job has: an absent one keeps the service's default.
  const present = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const request: ApplyRequest = {
    ...present,
    input: { spec: input.spec, ...(input.origin ? { origin: input.origin } : {}) },
  };
  return request;
}

export interface RunJobContext {
  readonly signal: AbortSignal;
  readonly onEvent?: (event: EngineEvent) => void;
  /** Whether a deployment with this id was recorded (an error after that point is its outcome). */
  readonly recorded: (id: string) => Promise<boolean>;
}

export async function runJob(job: Job, service: CodeService, ctx: RunJobContext): Promise<JobResult> {
  try {
    const change = await service.apply(jobRequestOf(job), { signal: ctx.signal });
    if (!change.changes) return { end: "unchanged" };
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
