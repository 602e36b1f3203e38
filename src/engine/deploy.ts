/**
 * One deployment from start to finish: lock the app + environment, record the
 * revision, run the plan through the provider with every event persisted,
 * roll back to the previous revision on failure (unless told to stop), then
 * record the outcome and an audit record, and release the lock.
 */
import { CodeError } from "../core/errors.js";
import { buildDestroyPlan, buildPlan, type Plan } from "../plan/build.js";
import type { RenderResult } from "../render/types.js";
import type { DeploymentSpec } from "../spec/schema.js";
import { checkSecretAccess, type SecretAccess } from "../spec/secret-scope.js";
import { REDACTED } from "../state/index.js";
import type { Deployment, InterpretUsageRecord, Revision, StateStore } from "../state/types.js";
import type { EngineEvent } from "./events.js";
import { withLock } from "./lock.js";
import type { Provider } from "./provider.js";
import { EventRecorder } from "./recorder.js";
import { currentSpec, recordedProvider } from "./records.js";
import { type RunOptions, type RunResult, runPlan } from "./run.js";

export { awaitFreeLock } from "./lock.js";
export { currentSpec, recordedProvider } from "./records.js";

export type OnFailure = "rollback" | "stop";

export interface DeployRequest {
  readonly spec: DeploymentSpec;
  readonly actor: string;
  /** The words the spec came from, when it did. */
  readonly request?: string;
  readonly interpreter?: string;
  /** Tokens and cost of the model calls that produced the spec, recorded with the revision. */
  readonly interpretUsage?: InterpretUsageRecord;
  /** @default "rollback" */
  readonly onFailure?: OnFailure;
  /** The id to record the deployment under (a server hands it out before a queued deployment starts). @default a new UUID */
  readonly deploymentId?: string;
  /** Wait for a held lock instead of failing fast. @default false */
  readonly waitForLock?: boolean;
  readonly lockWaitTimeoutMs?: number;
  /** Take over existing objects labelled for another owner or for none (`--adopt`). @default false */
  readonly adopt?: boolean;
  /** The Git commit the spec was read from (sync, serve's repository watch), kept with the revision. */
  readonly sourceCommit?: string;
}

export interface DeployDeps {
  readonly store: StateStore;
  /**
   * The provider for a spec. `recorded`: the provider the deployment that made
   * what runs now was recorded with (rollback and destroy pass it, so a
   * rehearsal with the null provider is never undone on a real engine).
   */
  readonly providerFor: (spec: DeploymentSpec, recorded?: string) => Provider | Promise<Provider>;
  /** May answer later: the server renders in a worker thread, off its event loop. */
  readonly render: (spec: DeploymentSpec, recorded?: string) => RenderResult | Promise<RenderResult>;
  readonly hashArtifacts: (artifacts: RenderResult) => Record<string, string>;
  /**
   * Where `secret:NAME` references are read and who may use them: apply and
   * rollback refuse a spec whose references are out of scope (SECRET_FORBIDDEN)
   * or not set (SECRET_MISSING) before anything is locked or recorded. Destroy
   * skips it: removing needs no secrets.
   */
  readonly secrets?: SecretAccess;
  /** Any further check of a spec before anything is locked (after the secrets). */
  readonly checkRunnable?: (spec: DeploymentSpec) => void;
}

/** The gate both the CLI and the server pass through before a spec runs. */
function checkRunnable(spec: DeploymentSpec, deps: DeployDeps): void {
  if (deps.secrets) checkSecretAccess(spec, deps.secrets);
  deps.checkRunnable?.(spec);
}

export interface DeployOptions
  extends Pick<RunOptions, "parallelism" | "stepTimeoutMs" | "retry" | "resilience" | "clock"> {
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: EngineEvent, deployment: Deployment) => void;
  /** Lock lease; renewed at a third of it (at most every 2 s) while the deployment runs. @default 60_000 */
  readonly leaseMs?: number;
  /** Called once the deployment is recorded, before any step runs. */
  readonly onStart?: (deployment: Deployment, plan: Plan) => void;
  /**
   * Called once the lock is held, before anything is read or recorded: a check that must see
   * what runs with no other change able to start in between (the plan check). A throw releases
   * the lock and records nothing.
   */
  readonly underLock?: () => Promise<void>;
}

export interface DeployOutcome {
  readonly deployment: Deployment;
  readonly revision: Revision;
  readonly plan: Plan;
  readonly result: RunResult;
  /** What was rendered for the spec that ran (GitOps writes it to the repository). */
  readonly artifacts: RenderResult;
  /** Present when a failed run was rolled back. */
  readonly rollback?: RunResult;
}

/** Applies `request.spec`: the whole of it when nothing runs yet, else only the difference. */
export async function deploy(
  request: DeployRequest,
  deps: DeployDeps,
  options: DeployOptions = {},
): Promise<DeployOutcome> {
  const { store } = deps;
  const spec = request.spec;
  checkRunnable(spec, deps);
  return withLock(
    store,
    request,
    options.leaseMs ?? 60_000,
    async (id, lost) => {
      await options.underLock?.();
      const previous = await currentSpec(store, spec.name, spec.environment);
      const provider = await deps.providerFor(spec);
      const artifacts = await deps.render(spec);
      const revision = await store.createRevision({
        app: spec.name,
        environment: spec.environment,
        spec,
        ...(request.request !== undefined ? { request: request.request } : {}),
        ...(request.interpreter !== undefined ? { interpreter: request.interpreter } : {}),
        ...(request.interpretUsage !== undefined ? { interpretUsage: request.interpretUsage } : {}),
        ...(request.sourceCommit !== undefined ? { sourceCommit: request.sourceCommit } : {}),
        artifactHashes: deps.hashArtifacts(artifacts),
        actor: request.actor,
      });
      const deployment = await store.startDeployment({
        app: spec.name,
        environment: spec.environment,
        revision: revision.number,
        action: "apply",
        actor: request.actor,
        id,
        provider: provider.name,
      });
      const plan = buildPlan(spec, previous);
      return runRecorded(
        { deployment, revision, spec, previous, artifacts, plan, command: "apply", lost, provider },
        request,
        deps,
        options,
      );
    },
    options.signal,
  );
}

interface RunInput {
  readonly deployment: Deployment;
  readonly revision: Revision;
  readonly spec: DeploymentSpec;
  readonly previous: DeploymentSpec | undefined;
  readonly artifacts: RenderResult;
  readonly plan: Plan;
  readonly command: "apply" | "rollback" | "destroy";
  /** Aborted when the run's lock is lost. */
  readonly lost: AbortSignal;
  readonly provider: Provider;
  /** The provider name to render with on a rollback of a failed run. */
  readonly recorded?: string;
}

async function runRecorded(
  input: RunInput,
  request: DeployRequest,
  deps: DeployDeps,
  options: DeployOptions,
): Promise<DeployOutcome> {
  const { deployment, revision, spec, previous, artifacts, plan, command, lost, provider } = input;
  const { store } = deps;
  const target = `${spec.name}/${spec.environment}`;
  // Before any step: a run killed mid-way still leaves its start in the audit log.
  await store.appendAudit({
    actor: request.actor,
    command,
    target,
    outcome: "started",
    details: {
      deployment: deployment.id,
      revision: revision.number,
      app: spec.name,
      environment: spec.environment,
    },
  });
  const recorder = new EventRecorder(store, deployment.id);
  const onEvent = (event: EngineEvent) => {
    recorder.record(event);
    options.onEvent?.(event, deployment);
  };
  let lostReason: string | undefined;
  const onLost = () => {
    lostReason = lost.reason instanceof Error ? lost.reason.message : String(lost.reason);
    onEvent({ type: "lock-lost", at: (options.clock ?? Date.now)(), reason: lostReason });
  };
  if (lost.aborted) onLost();
  else lost.addEventListener("abort", onLost, { once: true });
  options.onStart?.(deployment, plan);
  const signal = options.signal ? AbortSignal.any([options.signal, lost]) : lost;
  const runOptions = {
    ...pick(options),
    signal,
    provider,
    artifacts,
    revision: revision.number,
    onEvent,
    ...(request.adopt ? { adopt: true } : {}),
  };
  const result = await runPlan(plan.steps, { ...runOptions, spec, ...(previous ? { previous } : {}) });
  lost.removeEventListener("abort", onLost);
  let rollback: RunResult | undefined;
  // Without the lock, another run may be changing the same resources: never roll back over it.
  if (
    lostReason === undefined &&
    result.outcome === "failed" &&
    (request.onFailure ?? "rollback") === "rollback"
  ) {
    rollback = await rollBack(spec, previous, deps, runOptions, onEvent, input.recorded);
  }
  await recorder.flush();
  const outcome =
    lostReason !== undefined
      ? "failed"
      : result.outcome === "succeeded"
        ? "succeeded"
        : result.outcome === "cancelled"
          ? "cancelled"
          : rollback?.outcome === "succeeded"
            ? "rolled-back"
            : "failed";
  const error =
    lostReason !== undefined
      ? `lock-lost: ${lostReason}`
      : result.failure
        ? `${result.failure.stepId}: ${result.failure.error.message}`
        : undefined;
  const finished = await store.finishDeployment(deployment.id, outcome, error);
  await store.appendAudit({
    actor: request.actor,
    command,
    target,
    outcome: outcome === "succeeded" ? "ok" : "failed",
    details: {
      deployment: deployment.id,
      revision: revision.number,
      outcome,
      ...(lostReason !== undefined ? { reason: "lock-lost" } : {}),
      ...(error ? { error } : {}),
    },
  });
  return { deployment: finished, revision, plan, result, artifacts, ...(rollback ? { rollback } : {}) };
}

function pick(options: DeployOptions): Omit<RunOptions, "provider" | "spec" | "artifacts" | "revision"> {
  return {
    ...(options.parallelism !== undefined ? { parallelism: options.parallelism } : {}),
    ...(options.stepTimeoutMs !== undefined ? { stepTimeoutMs: options.stepTimeoutMs } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.resilience ? { resilience: options.resilience } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

/** Converges back to `previous` from a partly applied `failed` spec (or removes everything when there was nothing before). */
async function rollBack(
  failed: DeploymentSpec,
  previous: DeploymentSpec | undefined,
  deps: DeployDeps,
  runOptions: Omit<RunOptions, "spec" | "previous">,
  onEvent: (event: EngineEvent) => void,
  recorded?: string,
): Promise<RunResult> {
  const target = previous ?? failed;
  const plan = previous ? buildPlan(previous, failed) : buildDestroyPlan(failed);
  const artifacts = previous ? await deps.render(previous, recorded) : runOptions.artifacts;
  const clock = runOptions.clock ?? Date.now;
  const started = clock();
  const result = await runPlan(plan.steps, {
    ...runOptions,
    artifacts,
    spec: target,
    previous: failed,
    signal: undefined,
    onEvent,
  });
  for (const [stepId, outcome] of result.steps) {
    if (outcome.status === "succeeded")
      onEvent({ type: "step-rolled-back", at: clock(), stepId, durationMs: clock() - started });
  }
  return result;
}

export interface RollbackRequest {
  readonly app: string;
  readonly environment: string;
  readonly actor: string;
  /** @default the revision before the one running now */
  readonly toRevision?: number;
  readonly waitForLock?: boolean;
  /** The id the deployment gets (a queued rollback runs with its job's id). @default a new UUID */
  readonly deploymentId?: string;
  /** Plan every step as new, so each provider converges what runs even on the running revision (self-heal). */
  readonly reconcile?: boolean;
}

/** Re-deploys an earlier revision's spec, recorded as a rollback deployment of that revision. */
export async function rollbackTo(
  request: RollbackRequest,
  deps: DeployDeps,
  options: DeployOptions = {},
): Promise<DeployOutcome> {
  const key = { app: request.app, environment: request.environment };
  const revision = await pickRollbackRevision(deps.store, key, request.toRevision);
  checkRunnable(revision.spec as DeploymentSpec, deps);
  return runRevision(revision, "rollback", request, deps, options);
}

/**
 * Runs a recorded revision again under the lock: a rollback converges from
 * what runs now to it; a destroy removes everything it has.
 */
async function runRevision(
  revision: Revision,
  command: "rollback" | "destroy",
  request: {
    readonly actor: string;
    readonly waitForLock?: boolean;
    readonly reconcile?: boolean;
    readonly deploymentId?: string;
  },
  deps: DeployDeps,
  options: DeployOptions,
): Promise<DeployOutcome> {
  const { store } = deps;
  const spec = revision.spec as DeploymentSpec;
  const key = { app: revision.app, environment: revision.environment };
  const lockRequest: DeployRequest = {
    spec,
    actor: request.actor,
    onFailure: "stop",
    ...(request.waitForLock ? { waitForLock: true } : {}),
    ...(request.deploymentId !== undefined ? { deploymentId: request.deploymentId } : {}),
  };
  return withLock(
    store,
    lockRequest,
    options.leaseMs ?? 60_000,
    async (id, lost) => {
      await options.underLock?.();
      const running = await currentSpec(store, key.app, key.environment);
      const previous = command === "destroy" ? spec : running;
      const plan =
        command === "destroy"
          ? buildDestroyPlan(spec)
          : buildPlan(spec, request.reconcile === true ? undefined : running);
      const recorded = await recordedProvider(store, key);
      const provider = await deps.providerFor(spec, recorded);
      const deployment = await store.startDeployment({
        ...key,
        revision: revision.number,
        action: command,
        actor: request.actor,
        id,
        provider: provider.name,
      });
      const artifacts = await deps.render(spec, recorded);
      const input = {
        deployment,
        revision,
        spec,
        previous,
        artifacts,
        plan,
        command,
        lost,
        provider,
        ...(recorded !== undefined ? { recorded } : {}),
      };
      return runRecorded(input, lockRequest, deps, options);
    },
    options.signal,
  );
}

/**
 * The default rollback target: the revision of the most recent succeeded deployment whose spec
 * differs from what runs. A revision that only ever failed is never picked, nor one that would
 * change nothing.
 */
async function lastGoodRevision(
  store: StateStore,
  key: { app: string; environment: string },
  revisions: readonly Revision[],
  current: number | undefined,
): Promise<number | undefined> {
  const byNumber = new Map(revisions.map((r) => [r.number, r]));
  const running = current === undefined ? undefined : JSON.stringify(byNumber.get(current)?.spec);
  const succeeded = (await store.listDeployments({ ...key, limit: 10_000 }))
    .filter((d) => d.outcome === "succeeded" && d.action !== "destroy")
    .sort((a, b) =>
      a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : b.revision - a.revision,
    );
  for (const d of succeeded) {
    const revision = byNumber.get(d.revision);
    if (revision && d.revision !== current && JSON.stringify(revision.spec) !== running) return d.revision;
  }
  return undefined;
}

async function pickRollbackRevision(
  store: StateStore,
  key: { app: string; environment: string },
  wanted?: number,
): Promise<Revision> {
  const revisions = await store.listRevisions(key);
  if (revisions.length === 0) {
    throw new CodeError("NOT_DEPLOYED", `${key.app}/${key.environment} has no recorded revisions`, {
      hint: "check the names with `codeploy status`",
    });
  }
  const [status] = await store.status(key);
  const current = status?.currentRevision;
  const pick = wanted ?? (await lastGoodRevision(store, key, revisions, current));
  const revision = revisions.find((r) => r.number === pick);
  if (!revision) {
    const known = revisions.map((r) => r.number).join(", ");
    throw new CodeError(
      "NO_SUCH_REVISION",
      wanted
        ? `revision ${wanted} of ${key.app}/${key.environment} does not exist`
        : `${key.app}/${key.environment} has no earlier revision that succeeded and differs from what runs${current !== undefined ? ` (revision ${current})` : ""}`,
      {
        hint: `known revisions: ${known}; pick one with --to`,
      },
    );
  }
  if (JSON.stringify(revision.spec).includes(REDACTED)) {
    throw new CodeError(
      "REVISION_REDACTED",
      `revision ${revision.number} held literal secret values that were redacted when it was recorded`,
      {
        hint: "re-apply that spec from its file (secrets belong in a secret store, not in env values)",
      },
    );
  }
  return revision;
}

export interface DestroyRequest {
  readonly app: string;
  readonly environment: string;
  readonly actor: string;
  readonly waitForLock?: boolean;
  /** The id the deployment gets (a queued destroy runs with its job's id). @default a new UUID */
  readonly deploymentId?: string;
}

/** Removes everything the running revision has, recorded as a destroy deployment. */
export async function destroyEnvironment(
  request: DestroyRequest,
  deps: DeployDeps,
  options: DeployOptions = {},
): Promise<DeployOutcome> {
  const { store } = deps;
  const key = { app: request.app, environment: request.environment };
  const [status] = await store.status(key);
  const number = status?.currentRevision ?? status?.latestRevision;
  const revision = number === undefined ? undefined : await store.getRevision(key, number);
  if (!revision) {
    throw new CodeError("NOT_DEPLOYED", `${request.app}/${request.environment} is not deployed`, {
      hint: "see what runs with `codeploy status`",
    });
  }
  return runRevision(revision, "destroy", request, deps, options);
}
