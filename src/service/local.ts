/**
 * The service on this process: engine, store, provider registry and
 * configuration. Every gate lives here and only here: the words gate,
 * policy refusal and `acceptRisk`, secret scope and values, the lookup of
 * what runs now, provider choice, locks, adopt rights and request limits.
 * The CLI runs it directly; the server's routes run it for each caller.
 */
import { randomUUID } from "node:crypto";
import { CodeError, PolicyError } from "../core/errors.js";
import { redactSecrets } from "../core/redact.js";
import type { DeployDeps, DeployOptions, DeployOutcome } from "../engine/deploy.js";
import type { Provider } from "../engine/provider.js";
import { currentSpec, recordedProvider } from "../engine/records.js";
import type { GitopsTarget } from "../gitops/index.js";
import type { Surface } from "../intent/index.js";
import { PROVIDER_NAMES } from "../providers/names.js";
import type { RenderResult } from "../render/types.js";
import type { PlanJson } from "../review/index.js";
import type { DeploymentSpec } from "../spec/schema.js";
import {
  checkSecretAccess,
  requireSecretScope,
  type SecretAccess,
  scopedSecretValues,
} from "../spec/secret-scope.js";
import { LockHeldError } from "../state/errors.js";
import type { AuditInput, Deployment, StateStore } from "../state/types.js";
import { localAudit, localKeys } from "./admin.js";
import { checkDrift, type DriftSettings, recordDriftEvent } from "./drift.js";
import { type LocalExpertsDeps, localExperts } from "./experts.js";
import { checkComponentCount, lowerOnly } from "./limits.js";
import { checkPlan, type PlannedAction, planIdOf, runningDigest } from "./plan-id.js";
import { queuedOf } from "./queued.js";
import { type Interpret, type ResolvedSpec, resolveSpec, validateAt } from "./resolve.js";
import { readStatus, readStatusPage } from "./status.js";
import type {
  ApplyRequest,
  Caller,
  CodeService,
  DeploymentView,
  HistoryAnswer,
  PlanAnswer,
  PlanRequest,
  RunHooks,
  StepView,
} from "./types.js";
import { type LocalVideoDeps, localVideo } from "./video.js";

export interface LocalServiceDeps {
  readonly store: StateStore;
  readonly interpret: Interpret;
  /** Spec (+ what runs) -> the reviewed plan; the server runs it off the event loop. */
  readonly review: (spec: DeploymentSpec, current: DeploymentSpec | undefined) => Promise<PlanJson>;
  /**
   * The provider for a spec: `name` when a request or the record names one
   * (`why` says which: a server refuses requested providers it does not allow).
   */
  readonly provider: (
    spec: DeploymentSpec,
    name?: string,
    why?: "requested" | "recorded",
  ) => Provider | Promise<Provider>;
  /** Renders what a deployment deploys, with the secret values the spec may read. */
  readonly render: (
    spec: DeploymentSpec,
    secrets: Readonly<Record<string, string>>,
  ) => RenderResult | Promise<RenderResult>;
  readonly hashArtifacts: (artifacts: RenderResult) => Record<string, string>;
  readonly secrets: SecretAccess;
  readonly surface: Surface;
  /** Engine settings; a request may only lower parallelism and the step deadline. */
  readonly deployOptions?: Pick<DeployOptions, "parallelism" | "stepTimeoutMs" | "leaseMs">;
  /**
   * The service writes the audit records of its changes and refusals (words, policy, secrets,
   * unlock, keys) itself. The CLI sets it; the server leaves it out because its audit
   * middleware records every call with its outcome and actor.
   */
  readonly recordAudit?: boolean;
  /** The most components one spec may have (server.maxComponents). @default no bound */
  readonly maxComponents?: number;
  /** "this machine" or where the server listens. */
  readonly where?: string;
  /** The Circle of Experts as configured; absent: its operations answer CONFIG. */
  readonly experts?: LocalExpertsDeps;
  /** Video processing as configured; absent: it answers CONFIG. */
  readonly video?: LocalVideoDeps;
  /** codeploy.yaml `drift:` ignore rules. */
  readonly drift?: DriftSettings;
  /** gitops.repo: each succeeded apply and rollback is committed there (a failure only warns). */
  readonly gitops?: GitopsTarget;
}

/** The CLI's caller: the person at the terminal may do everything. */
export function localCaller(actor: string): Caller {
  return { actor, authorize: () => {}, sees: () => true };
}

/** The engine's own defaults, the ceilings when nothing is configured. */
const ENGINE_PARALLELISM = 8;
const ENGINE_STEP_TIMEOUT_MS = 300_000;

export function createLocalService(deps: LocalServiceDeps, caller: Caller): CodeService {
  const { store } = deps;
  const lookup = (app: string, environment: string) => currentSpec(store, app, environment);

  const refuse = async (
    command: string,
    target: string,
    reason: string,
    error: unknown,
    details: Record<string, unknown> = {},
  ): Promise<never> => {
    if (deps.recordAudit) {
      const audit: AuditInput = {
        actor: caller.actor,
        command,
        target,
        outcome: "refused",
        details: {
          reason,
          ...(error instanceof CodeError ? { code: error.code, ...asRecord(error.details) } : {}),
          ...details,
        },
      };
      await store.appendAudit(audit);
    }
    throw error;
  };

  /** Refuses words that may not be applied (another action, open questions), audited. */
  const gateWords = async (resolved: ResolvedSpec, request: PlanRequest): Promise<void> => {
    if (resolved.interpreted === undefined) return;
    const { spec } = resolved;
    try {
      const { gateApply } = await import("../intent/index.js");
      gateApply(resolved.interpreted, {
        surface: deps.surface,
        existing: (await lookup(spec.name, spec.environment)) !== undefined,
        ...(request.acceptAssumptions ? { acceptAssumptions: true } : {}),
      });
    } catch (error) {
      await refuse("apply", `${spec.name}/${spec.environment}`, "intent", error, {
        action: resolved.action,
        questions: resolved.questions,
      });
    }
  };

  const resolve = async (request: PlanRequest) => {
    const max = deps.maxComponents;
    if (max !== undefined && "spec" in request.input) checkComponentCount(request.input.spec, max);
    const resolved = await resolveSpec(request.input, {
      interpret: deps.interpret,
      lookup,
      target: request.target,
      ...(deps.surface === "api" ? { pathPrefix: "spec" } : {}),
    });
    if (max !== undefined) checkComponentCount(resolved.spec, max);
    caller.note?.({ app: resolved.spec.name, environment: resolved.spec.environment });
    return resolved;
  };

  /** The spec as the named provider deploys it: a docker provider deploys compose files. */
  const forProvider = (spec: DeploymentSpec, provider: string | undefined): DeploymentSpec => {
    const name = PROVIDER_NAMES.find((n) => n === provider);
    if (name === undefined || name === "null" || name === spec.target) return spec;
    return { ...spec, target: name };
  };

  const planOf = async (resolved: ResolvedSpec, provider: string | undefined): Promise<PlanAnswer> => {
    const spec = forProvider(resolved.spec, provider);
    const current = await lookup(spec.name, spec.environment);
    const [plan, running] = await Promise.all([
      deps.review(spec, current),
      runningDigest(store, spec.name, spec.environment),
    ]);
    // The answer shows the spec as the store keeps it: literal values under secret names redacted.
    const shown = redactSecrets(spec) as DeploymentSpec;
    return { ...plan, spec: shown, planId: planIdOf("apply", spec, running), ...wordsOf(resolved) };
  };

  /**
   * The plan check (plan-id.ts), when the request names a plan: `planIdNow` is asked when the
   * change is made (a refusal before any confirmation) and again once the run holds the
   * environment lock (`underLock`), so no deployment can finish between the check and the steps.
   */
  const expectPlan = async (
    action: PlannedAction,
    target: string,
    given: string | undefined,
    planIdNow: () => Promise<string>,
  ): Promise<void> => {
    if (given === undefined) return;
    try {
      checkPlan(await planIdNow(), given, target);
    } catch (error) {
      await refuse(action, target, "plan", error);
    }
  };

  const engineDeps = (requested: string | undefined): DeployDeps => ({
    store,
    providerFor: (spec, recorded) =>
      requested !== undefined
        ? deps.provider(spec, requested, "requested")
        : recorded !== undefined && recorded !== spec.target
          ? deps.provider(spec, recorded, "recorded")
          : deps.provider(spec),
    render: (spec, recorded) => {
      const effective = forProvider(spec, requested ?? recorded);
      return deps.render(effective, scopedSecretValues(effective, deps.secrets));
    },
    hashArtifacts: deps.hashArtifacts,
    secrets: deps.secrets,
  });

  const engineOptions = (
    hooks: RunHooks,
    steps: readonly StepView[],
    limits: { parallelism?: number; stepTimeoutMs?: number } = {},
    underLock?: () => Promise<void>,
  ): DeployOptions => ({
    ...deps.deployOptions,
    ...limits,
    ...(underLock ? { underLock } : {}),
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    onStart: (d, plan) => hooks.onStart?.(viewOf(d), plan.steps.length > 0 ? plan.steps : steps),
    ...(hooks.onEvent ? { onEvent: hooks.onEvent } : {}),
  });

  const gitCtx = (hooks: RunHooks) => ({
    store,
    target: deps.gitops,
    secrets: deps.secrets,
    onNote: hooks.onNote,
  });

  const requestLimits = (request: ApplyRequest) => {
    const parallelism = lowerOnly(
      "parallelism",
      request.parallelism,
      deps.deployOptions?.parallelism ?? ENGINE_PARALLELISM,
      "the configured deployment parallelism",
    );
    const seconds = lowerOnly(
      "stepTimeoutSeconds",
      request.stepTimeoutSeconds,
      Math.floor((deps.deployOptions?.stepTimeoutMs ?? ENGINE_STEP_TIMEOUT_MS) / 1000),
      "the configured step timeout",
    );
    return {
      ...(request.parallelism !== undefined && parallelism !== undefined ? { parallelism } : {}),
      ...(request.stepTimeoutSeconds !== undefined && seconds !== undefined
        ? { stepTimeoutMs: seconds * 1000 }
        : {}),
    };
  };

  return {
    where: deps.where ?? "this machine",

    async interpret(request) {
      caller.authorize("interpret");
      const result = await deps.interpret(
        request.text,
        request.base !== undefined ? { base: await validateAt(request.base, "base") } : {},
      );
      caller.authorize("interpret", result.spec.environment);
      return result;
    },

    async plan(request) {
      caller.authorize("plan");
      const resolved = await resolve(request);
      caller.authorize("plan", resolved.spec.environment);
      // A plan shows what a deployment would render: secrets the app + environment may not use are refused.
      requireSecretScope(resolved.spec, deps.secrets);
      if (request.gate) await gateWords(resolved, request);
      return planOf(resolved, request.provider);
    },

    async apply(request, hooks = {}) {
      caller.authorize("deploy");
      const limits = requestLimits(request);
      const resolved = await resolve(request);
      const { spec } = resolved;
      const target = `${spec.name}/${spec.environment}`;
      caller.authorize("deploy", spec.environment);
      // Adopting takes over objects that are not this app + environment's.
      if (request.adopt === true) caller.authorize("adopt", spec.environment);
      // A provider the request names is checked now (a server allows only some), not after confirmation.
      if (request.provider !== undefined) await deps.provider(spec, request.provider, "requested");
      // Words that may not be applied are refused before waiting on any lock.
      await gateWords(resolved, request);
      // A held lock first: fail fast naming its holder, or (wait) wait it out and plan against
      // what it left. A plan made before waiting could say "nothing to change" and lose this change.
      const { awaitFreeLock, deploy } = await engineCode();
      if (request.queued !== true)
        await awaitFreeLock(
          store,
          { app: spec.name, environment: spec.environment },
          {
            wait: request.wait === true,
            ...(hooks.signal ? { signal: hooks.signal } : {}),
            ...(hooks.onWait
              ? { onWait: (lock) => hooks.onWait?.(lock, { app: spec.name, environment: spec.environment }) }
              : {}),
          },
        );
      const plan = await planOf(resolved, request.provider);
      const effective = forProvider(spec, request.provider);
      const applyPlanId = async () =>
        planIdOf("apply", effective, await runningDigest(store, spec.name, spec.environment));
      await expectPlan("apply", target, request.expectPlan, async () => plan.planId ?? applyPlanId());
      const changes = plan.steps.some((s) => s.action !== "noop");
      const production = spec.environment === "production";
      const base = {
        replay: replayOf(request, resolved),
        action: "apply" as const,
        app: spec.name,
        environment: spec.environment,
        plan,
        ...(plan.planId !== undefined ? { planId: plan.planId } : {}),
        steps: plan.steps,
        changes,
        confirm: {
          what: `apply ${spec.name} to ${spec.environment}`,
          ...(production ? { typeToConfirm: spec.name } : {}),
        },
      };
      if (!plan.approved && request.acceptRisk !== true) {
        // Shown, then refused when run: the caller prints the plan before the refusal.
        return {
          ...base,
          run: async () =>
            refuse(
              "apply",
              target,
              "policy",
              new PolicyError("the plan has policy errors", {
                hint: "fix the findings listed, or pass --accept-risk (API: acceptRisk: true)",
                details: { findings: plan.findings.filter((f) => f.severity === "error") },
              }),
            ),
        };
      }
      if (!changes) {
        return {
          ...base,
          current: await whatRuns(store, spec.name, spec.environment),
          run: async () => {
            throw new CodeError("NOTHING_TO_CHANGE", `${target}: what runs already matches the spec`, {
              hint: "change the spec, or check what runs with `codeploy status`",
            });
          },
        };
      }
      // Before asking: a confirmation that ends in "secret not set" wastes the reader's time.
      try {
        checkSecretAccess(spec, deps.secrets);
      } catch (error) {
        await refuse("apply", target, "secrets", error);
      }
      const engine = engineDeps(request.provider);
      return {
        ...base,
        run: async (runHooks = {}) => {
          const outcome = await deploy(
            {
              deploymentId: runHooks.deploymentId ?? randomUUID(),
              spec,
              actor: caller.actor,
              ...(resolved.request !== undefined
                ? { request: resolved.request }
                : "origin" in request.input && request.input.origin !== undefined
                  ? { request: request.input.origin }
                  : {}),
              ...("commit" in request.input && request.input.commit !== undefined
                ? { sourceCommit: request.input.commit }
                : {}),
              ...(resolved.interpreter !== undefined ? { interpreter: resolved.interpreter } : {}),
              ...(resolved.usage ? { interpretUsage: resolved.usage } : {}),
              onFailure: request.onFailure ?? "rollback",
              ...(request.wait ? { waitForLock: true } : {}),
              ...(request.adopt ? { adopt: true } : {}),
            },
            engine,
            engineOptions(runHooks, plan.steps, limits, () =>
              expectPlan("apply", target, request.expectPlan, applyPlanId),
            ),
          );
          await (await gitopsCode()).recordInGit({ ...gitCtx(runHooks), asked: spec }, outcome, "apply");
          return finished(outcome);
        },
      };
    },

    async rollback(request) {
      const { app, environment } = request;
      caller.note?.({ app, environment });
      caller.authorize("rollback", environment);
      const to = request.revision !== undefined ? ` to revision ${request.revision}` : "";
      const engine = engineDeps(request.provider);
      const target = `${app}/${environment}`;
      const planIdNow = async () =>
        planIdOf(
          "rollback",
          { app, environment, revision: request.revision ?? null },
          await runningDigest(store, app, environment),
        );
      const planId = await planIdNow();
      await expectPlan("rollback", target, request.expectPlan, async () => planId);
      return {
        action: "rollback",
        app,
        environment,
        planId,
        steps: [],
        changes: true,
        confirm: {
          what: `roll back ${app}/${environment}${to || " to the last good revision that differs from what runs"}`,
          ...(environment === "production" ? { typeToConfirm: app } : {}),
        },
        run: async (hooks = {}) => {
          const { rollbackTo } = await engineCode();
          const outcome = await rollbackTo(
            {
              app,
              environment,
              actor: caller.actor,
              ...(request.revision !== undefined ? { toRevision: request.revision } : {}),
              ...(request.wait ? { waitForLock: true } : {}),
              ...(request.reconcile ? { reconcile: true } : {}),
              ...(hooks.deploymentId !== undefined ? { deploymentId: hooks.deploymentId } : {}),
            },
            engine,
            engineOptions(hooks, [], {}, () => expectPlan("rollback", target, request.expectPlan, planIdNow)),
          );
          await (await gitopsCode()).recordInGit(gitCtx(hooks), outcome, "rollback");
          return finished(outcome);
        },
      };
    },

    async destroy(request) {
      const { app, environment } = request;
      caller.note?.({ app, environment });
      caller.authorize("destroy", environment);
      const running = await lookup(app, environment);
      const steps = running ? (await import("../plan/build.js")).buildDestroyPlan(running).steps : [];
      const engine = engineDeps(request.provider);
      const target = `${app}/${environment}`;
      const planIdNow = async () =>
        planIdOf("destroy", { app, environment }, await runningDigest(store, app, environment));
      const planId = await planIdNow();
      await expectPlan("destroy", target, request.expectPlan, async () => planId);
      return {
        action: "destroy",
        app,
        environment,
        planId,
        steps,
        changes: running !== undefined,
        confirm: { what: `destroy ${app}/${environment}`, typeToConfirm: app },
        run: async (hooks = {}) => {
          const { destroyEnvironment } = await engineCode();
          return finished(
            await destroyEnvironment(
              {
                app,
                environment,
                actor: caller.actor,
                ...(request.wait ? { waitForLock: true } : {}),
                ...(hooks.deploymentId !== undefined ? { deploymentId: hooks.deploymentId } : {}),
              },
              engine,
              engineOptions(hooks, steps, {}, () =>
                expectPlan("destroy", target, request.expectPlan, planIdNow),
              ),
            ),
          );
        },
      };
    },

    async status(request = {}) {
      caller.authorize("read", request.environment);
      // Each row counts the changes of it waiting in the deployment queue (`queued`), as the store reads it.
      return readStatus(store, caller, request, (spec, name) =>
        name === spec.target ? deps.provider(spec) : deps.provider(spec, name, "recorded"),
      );
    },

    // Loaded when asked: rendering and gitops' redaction (YAML) stay out of `codeploy status`'s start-up.
    artifacts: async (request) => (await import("./artifacts.js")).readArtifacts(deps, caller, request),

    async statusPage(request = {}) {
      caller.authorize("read", request.environment);
      return readStatusPage(store, caller, request);
    },

    async history(request) {
      caller.authorize("read", request.environment);
      const deployments = (
        await store.listDeployments({
          app: request.app,
          ...(request.environment ? { environment: request.environment } : {}),
          limit: request.limit ?? 50,
        })
      ).filter((d) => caller.sees(d.environment));
      const environments = request.environment
        ? [request.environment]
        : [...new Set(deployments.map((d) => d.environment))];
      const revisions = (
        await Promise.all(
          environments.map((environment) => store.listRevisions({ app: request.app, environment })),
        )
      ).flat();
      const queued = await queuedOf(store, caller, request);
      const answer: HistoryAnswer = {
        deployments: deployments.map(viewOf),
        revisions: revisions.map(({ spec, artifactHashes: _h, ...r }) =>
          request.specs ? { ...r, spec } : r,
        ),
        ...(queued !== undefined && queued.length > 0 ? { queued } : {}),
      };
      return answer;
    },

    async unlock(request) {
      const { app, environment } = request;
      caller.authorize("unlock", environment);
      const force = request.force === true;
      const audit = (outcome: "ok" | "refused", details: Record<string, unknown>) =>
        store.appendAudit({
          actor: caller.actor,
          command: "unlock",
          target: `${app}/${environment}`,
          outcome,
          details,
        });
      try {
        // The store checks the holder and deletes in one transaction: a live holder (a run in any
        // process, renewing its lease) is refused unless forced; a forced-out run stops with lock-lost.
        const { freed, lock } = await store.unlock({ app, environment }, { force });
        if (deps.recordAudit)
          await audit("ok", { freed, force, ...(lock ? { holder: holderOf(lock) } : {}) });
        return { freed, ...(lock ? { lock } : {}) };
      } catch (error) {
        if (deps.recordAudit && error instanceof LockHeldError)
          await audit("refused", { force, holder: holderOf(error.lock) });
        throw error;
      }
    },

    async logs(request, onLine, signal) {
      const { app, environment } = request;
      caller.authorize("read", environment);
      const running = await lookup(app, environment);
      // The provider that deployed it; with nothing recorded here (another store), the docker engine.
      const name = (await recordedProvider(store, { app, environment })) ?? running?.target ?? "docker";
      const provider = await deps.provider(
        running ?? ({ target: "docker" } as DeploymentSpec),
        name,
        "recorded",
      );
      if (provider.logs === undefined) {
        throw new CodeError(
          "NOT_DEPLOYED",
          `the ${name} provider that deployed ${app}/${environment} keeps no logs CODE can read`,
          { hint: "logs come from the docker provider; see what runs with `codeploy status`" },
        );
      }
      return provider.logs({
        app,
        environment,
        ...(request.service ? { service: request.service } : {}),
        ...(request.follow ? { follow: true } : {}),
        ...(request.tail !== undefined ? { tail: request.tail } : {}),
        ...(request.timestamps ? { timestamps: true } : {}),
        signal,
        onLine,
      });
    },

    async drift(request) {
      caller.note?.(request);
      caller.authorize("read", request.environment);
      const engine = engineDeps(undefined);
      const answer = await checkDrift(
        {
          store,
          settings: deps.drift,
          providerFor: engine.providerFor,
          render: engine.render,
          recorded: (key) => recordedProvider(store, key),
        },
        request,
      );
      // What it found is CODE's record, not a change to what runs: the check stays read-only there.
      const event = await recordDriftEvent(store, answer, caller.actor, deps.drift?.events);
      return event ? { ...answer, event: event.seq } : answer;
    },

    async driftEvents(request) {
      caller.note?.(request);
      caller.authorize("read", request.environment);
      return store.driftEvents.list(request, {
        ...(request.limit !== undefined ? { limit: request.limit } : {}),
        ...(request.before !== undefined ? { before: request.before } : {}),
      });
    },

    audit: localAudit(store, caller),
    keys: localKeys(store, caller, deps.recordAudit === true),
    experts: localExperts(deps.experts, () => store.consultations, caller),
    video: localVideo(deps.video, caller),
  };
}

/**
 * The engine (with the planner and cockatiel) and the git writer load when a change runs:
 * status, history and plan never pay for them (issue 26, test/startup-imports.test.ts).
 */
const engineCode = () => import("../engine/deploy.js");
const gitopsCode = () => import("./gitops.js");

/** The request as another process runs it: the resolved spec (words already gated), the same options. */
function replayOf(request: ApplyRequest, resolved: ResolvedSpec): ApplyRequest {
  const { target: _target, wait: _wait, queued: _queued, input, ...options } = request;
  const origin =
    resolved.request ?? ("origin" in input && input.origin !== undefined ? input.origin : undefined);
  return { ...options, input: { spec: resolved.spec, ...(origin !== undefined ? { origin } : {}) } };
}

function wordsOf(resolved: ResolvedSpec) {
  return resolved.request !== undefined
    ? {
        request: resolved.request,
        ...(resolved.interpreter !== undefined ? { interpreter: resolved.interpreter } : {}),
        ...(resolved.usage ? { usage: resolved.usage } : {}),
        assumptions: [...(resolved.assumptions ?? [])],
        questions: [...(resolved.questions ?? [])],
      }
    : {};
}

export function viewOf(d: Deployment): DeploymentView {
  const { provider: _p, ...view } = d;
  return view;
}

function finished(outcome: DeployOutcome): DeploymentView {
  return viewOf(outcome.deployment);
}

function asRecord(details: unknown): Record<string, unknown> {
  return typeof details === "object" && details !== null && !Array.isArray(details) ? { ...details } : {};
}

function holderOf(lock: { actor: string; pid?: number; host?: string; deploymentId?: string }) {
  return {
    actor: lock.actor,
    ...(lock.pid !== undefined ? { pid: lock.pid } : {}),
    ...(lock.host !== undefined ? { host: lock.host } : {}),
    ...(lock.deploymentId !== undefined ? { deployment: lock.deploymentId } : {}),
  };
}

/** The revision that runs and the deployment that made it run, for an apply that changes nothing. */
async function whatRuns(store: StateStore, app: string, environment: string) {
  const [status] = await store.status({ app, environment });
  const revision = status?.currentRevision ?? null;
  const made = (await store.listDeployments({ app, environment })).find(
    (d) => d.revision === revision && d.outcome === "succeeded",
  );
  return { deployment: made?.id ?? null, revision };
}
