/**
 * Runs a plan's graph: bounded parallelism, a deadline per step, retries with
 * exponential backoff and jitter for retryable failures only, one circuit
 * breaker per provider, and cancellation through an AbortSignal. After a
 * failure no new step starts; steps in flight finish and are recorded.
 */
import type { PlanStep } from "../plan/build.js";
import type { RenderResult } from "../render/types.js";
import type { DeploymentSpec } from "../spec/schema.js";
import type { EngineEvent, EventError, RunOutcome, StepStatus } from "./events.js";
import { createStepPolicy, type ResiliencePolicy, type RetrySettings } from "./policies.js";
import { type Provider, ProviderError, type StepResult } from "./provider.js";

export interface RunOptions {
  readonly provider: Provider;
  readonly spec: DeploymentSpec;
  readonly previous?: DeploymentSpec;
  readonly artifacts: RenderResult;
  readonly revision: number;
  /** @default 8 */
  readonly parallelism?: number;
  /** Deadline per attempt of a step. @default 300_000 */
  readonly stepTimeoutMs?: number;
  readonly retry?: Partial<RetrySettings>;
  /** Shared across runs so that a breaker stays open between them. @default a new one per run */
  readonly resilience?: ResiliencePolicy;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: EngineEvent) => void;
  /** @default Date.now */
  readonly clock?: () => number;
  /** Passed to every step: take over existing objects another owner (or none) labelled. @default false */
  readonly adopt?: boolean;
}

export interface StepOutcome {
  readonly status: StepStatus;
  readonly attempts: number;
  readonly durationMs: number;
  readonly outputs?: Readonly<Record<string, string>>;
  readonly error?: EventError;
}

export interface RunResult {
  readonly outcome: RunOutcome;
  readonly steps: ReadonlyMap<string, StepOutcome>;
  readonly durationMs: number;
  /** The first failure, when the run failed. */
  readonly failure?: { readonly stepId: string; readonly error: EventError };
}

export function toEventError(error: unknown): EventError {
  if (error instanceof ProviderError) {
    return {
      code: error.code,
      message: error.message,
      retryable: error.retryable,
      ...(error.hint ? { hint: error.hint } : {}),
    };
  }
  if (error instanceof Error && "code" in error && typeof error.code === "string") {
    const hint = "hint" in error && typeof error.hint === "string" ? { hint: error.hint } : {};
    return { code: error.code, message: error.message, retryable: false, ...hint };
  }
  return {
    code: "STEP_FAILED",
    message: error instanceof Error ? error.message : String(error),
    retryable: false,
  };
}

interface Walk {
  readonly remaining: Map<string, number>;
  readonly dependants: Map<string, string[]>;
  readonly ready: PlanStep[];
  readonly byId: Map<string, PlanStep>;
}

function prepare(steps: readonly PlanStep[]): Walk {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const remaining = new Map<string, number>();
  const dependants = new Map<string, string[]>();
  const ready: PlanStep[] = [];
  for (const step of steps) {
    const deps = [...new Set(step.dependsOn)].filter((d) => byId.has(d));
    remaining.set(step.id, deps.length);
    for (const d of deps) {
      const list = dependants.get(d);
      if (list) list.push(step.id);
      else dependants.set(d, [step.id]);
    }
    if (deps.length === 0) ready.push(step);
  }
  return { remaining, dependants, ready, byId };
}

export async function runPlan(steps: readonly PlanStep[], options: RunOptions): Promise<RunResult> {
  const clock = options.clock ?? Date.now;
  const emit = options.onEvent ?? (() => {});
  const parallelism = Math.max(1, options.parallelism ?? 8);
  const policy = options.resilience ?? createStepPolicy(options.retry);
  const started = clock();
  const walk = prepare(steps);
  const outcomes = new Map<string, StepOutcome>();
  let failure: RunResult["failure"];
  let running = 0;
  let cursor = 0;
  emit({ type: "run-started", at: started, steps: steps.length, parallelism });

  const stopped = () => failure !== undefined || options.signal?.aborted === true;

  return await new Promise<RunResult>((resolveRun) => {
    let finished = false;
    const finishIfDone = () => {
      if (finished || running > 0) return;
      if (cursor < walk.ready.length && !stopped()) return;
      for (const step of steps) {
        if (outcomes.has(step.id)) continue;
        const cancelled = options.signal?.aborted === true;
        const reason = cancelled ? "the run was cancelled" : "not started: an earlier step failed";
        outcomes.set(step.id, { status: cancelled ? "cancelled" : "skipped", attempts: 0, durationMs: 0 });
        emit({ type: cancelled ? "step-cancelled" : "step-skipped", at: clock(), stepId: step.id, reason });
      }
      finished = true;
      const outcome: RunOutcome = failure ? "failed" : options.signal?.aborted ? "cancelled" : "succeeded";
      const counts: Record<StepStatus, number> = {
        succeeded: 0,
        failed: 0,
        skipped: 0,
        cancelled: 0,
        unchanged: 0,
      };
      for (const o of outcomes.values()) counts[o.status]++;
      const durationMs = clock() - started;
      emit({ type: "run-finished", at: clock(), outcome, durationMs, counts });
      resolveRun({ outcome, steps: outcomes, durationMs, ...(failure ? { failure } : {}) });
    };

    const complete = (step: PlanStep, outcome: StepOutcome) => {
      outcomes.set(step.id, outcome);
      if (outcome.status === "failed" && !failure && outcome.error)
        failure = { stepId: step.id, error: outcome.error };
      if (outcome.status === "succeeded" || outcome.status === "unchanged") {
        for (const d of walk.dependants.get(step.id) ?? []) {
          const left = (walk.remaining.get(d) ?? 1) - 1;
          walk.remaining.set(d, left);
          const next = walk.byId.get(d);
          if (left === 0 && next) walk.ready.push(next);
        }
      }
    };

    const pump = () => {
      while (running < parallelism && cursor < walk.ready.length && !stopped()) {
        const step = walk.ready[cursor++] as PlanStep;
        if (step.action === "noop") {
          complete(step, { status: "unchanged", attempts: 0, durationMs: 0 });
          emit({ type: "step-skipped", at: clock(), stepId: step.id, reason: "unchanged" });
          continue;
        }
        running++;
        void executeStep(step, options, policy, clock, emit).then((outcome) => {
          running--;
          complete(step, outcome);
          pump();
        });
      }
      finishIfDone();
    };
    options.signal?.addEventListener("abort", () => finishIfDone(), { once: true });
    pump();
  });
}

async function executeStep(
  step: PlanStep,
  options: RunOptions,
  policy: ResiliencePolicy,
  clock: () => number,
  emit: (event: EngineEvent) => void,
): Promise<StepOutcome> {
  const start = clock();
  let attempts = 0;
  const stepTimeoutMs = options.stepTimeoutMs ?? 300_000;
  try {
    const result: StepResult = await policy.execute(
      step.id,
      async (signal, attempt) => {
        attempts = attempt;
        emit({ type: "step-started", at: clock(), stepId: step.id, action: step.action, attempt });
        const ctx = {
          app: options.spec.name,
          environment: options.spec.environment,
          revision: options.revision,
          spec: options.spec,
          ...(options.previous ? { previous: options.previous } : {}),
          artifacts: options.artifacts,
          signal,
          log: (message: string) => emit({ type: "step-log", at: clock(), stepId: step.id, message }),
          ...(options.adopt ? { adopt: true } : {}),
        };
        return step.action === "delete"
          ? options.provider.destroy(step, ctx)
          : options.provider.apply(step, ctx);
      },
      {
        provider: options.provider.name,
        timeoutMs: stepTimeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
        onRetry: (attempt, delayMs, error) =>
          emit({
            type: "step-retrying",
            at: clock(),
            stepId: step.id,
            attempt,
            delayMs,
            error: toEventError(error),
          }),
      },
    );
    const durationMs = clock() - start;
    emit({
      type: "step-succeeded",
      at: clock(),
      stepId: step.id,
      durationMs,
      attempts,
      ...(result.outputs ? { outputs: result.outputs } : {}),
    });
    return {
      status: "succeeded",
      attempts,
      durationMs,
      ...(result.outputs ? { outputs: result.outputs } : {}),
    };
  } catch (error) {
    const durationMs = clock() - start;
    if (options.signal?.aborted) {
      emit({
        type: "step-cancelled",
        at: clock(),
        stepId: step.id,
        reason: "the run was cancelled while the step ran",
      });
      return { status: "cancelled", attempts, durationMs };
    }
    const err = toEventError(error);
    emit({ type: "step-failed", at: clock(), stepId: step.id, durationMs, attempts, error: err });
    return { status: "failed", attempts, durationMs, error: err };
  }
}
