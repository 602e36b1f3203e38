/**
 * Records a `codeploy terraform apply|destroy` like any other deployment: the
 * app + environment lock, a revision (the module's file hashes and the command
 * words), a deployment with every engine event, and an audit record, so that
 * `codeploy history` and `codeploy audit list` show Terraform runs. The run
 * itself goes through the engine's runner as one step, which gives it the
 * same events, deadline and cancellation as other steps.
 */
import { randomUUID } from "node:crypto";
import type { EngineEvent } from "../../engine/events.js";
import type { Provider, StepContext, StepResult } from "../../engine/provider.js";
import { EventRecorder } from "../../engine/recorder.js";
import { type RunResult, runPlan } from "../../engine/run.js";
import type { PlanStep } from "../../plan/build.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import type { Deployment, EnvironmentKey, StateStore } from "../../state/types.js";

export interface RecordedRun {
  readonly store: StateStore;
  readonly spec: DeploymentSpec;
  readonly actor: string;
  readonly action: "apply" | "destroy";
  /** The command as typed, kept with the revision. */
  readonly request: string;
  readonly files: Readonly<Record<string, string>>;
  readonly details: Readonly<Record<string, unknown>>;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: EngineEvent) => void;
  /** Runs Terraform; its log lines become step-log events. */
  readonly run: (ctx: StepContext) => Promise<StepResult>;
}

export interface RecordedOutcome {
  readonly deployment: Deployment;
  readonly result: RunResult;
}

export function terraformStep(action: "apply" | "destroy", description: string): PlanStep {
  return {
    id: `terraform:${action}`,
    kind: "network",
    action: action === "destroy" ? "delete" : "update",
    dependsOn: [],
    description,
  };
}

/** Holds the app + environment lock (renewing its lease) while `fn` runs, like deploy() does. */
async function withLock<T>(
  store: StateStore,
  key: EnvironmentKey,
  actor: string,
  id: string,
  fn: () => Promise<T>,
): Promise<T> {
  let held = await store.acquireLock(key, { actor, pid: process.pid, deploymentId: id }, { leaseMs: 60_000 });
  const renew = setInterval(() => {
    store.renewLock(held).then(
      (l) => {
        held = l;
      },
      () => {},
    );
  }, 20_000);
  renew.unref();
  try {
    return await fn();
  } finally {
    clearInterval(renew);
    await store.releaseLock(held).catch(() => false);
  }
}

/** One step through the engine's runner, every event recorded. */
async function runStep(input: RecordedRun, deployment: Deployment, revision: number): Promise<RunResult> {
  const recorder = new EventRecorder(input.store, deployment.id);
  const step = terraformStep(input.action, `${input.action} ${input.spec.name}/${input.spec.environment}`);
  const provider: Provider = {
    name: "terraform",
    apply: (_s, ctx) => input.run(ctx),
    destroy: (_s, ctx) => input.run(ctx),
    observe: async () => [],
  };
  const result = await runPlan([step], {
    provider,
    spec: input.spec,
    artifacts: { target: "terraform", files: [] },
    revision,
    retry: { maxAttempts: 1 },
    // Terraform applies can take long; Ctrl-C (the signal) is the way to stop one.
    stepTimeoutMs: 24 * 3_600_000,
    ...(input.signal ? { signal: input.signal } : {}),
    onEvent: (e) => {
      recorder.record(e);
      input.onEvent?.(e);
    },
  });
  await recorder.flush();
  return result;
}

export async function recordTerraformRun(input: RecordedRun): Promise<RecordedOutcome> {
  const { store, spec, actor } = input;
  const key = { app: spec.name, environment: spec.environment };
  const id = randomUUID();
  return withLock(store, key, actor, id, async () => {
    const revision = await store.createRevision({
      ...key,
      spec,
      request: input.request,
      interpreter: "terraform",
      artifactHashes: input.files,
      actor,
    });
    const deployment = await store.startDeployment({
      ...key,
      revision: revision.number,
      action: input.action,
      actor,
      id,
    });
    const result = await runStep(input, deployment, revision.number);
    const outcome =
      result.outcome === "succeeded" ? "succeeded" : result.outcome === "cancelled" ? "cancelled" : "failed";
    const error = result.failure ? `${result.failure.stepId}: ${result.failure.error.message}` : undefined;
    const finished = await store.finishDeployment(deployment.id, outcome, error);
    await store.appendAudit({
      actor,
      command: `terraform ${input.action}`,
      target: `${spec.name}/${spec.environment}`,
      outcome: outcome === "succeeded" ? "ok" : "failed",
      details: {
        deployment: deployment.id,
        revision: revision.number,
        ...input.details,
        ...(error ? { error } : {}),
      },
    });
    return { deployment: finished, result };
  });
}
