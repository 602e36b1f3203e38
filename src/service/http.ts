/**
 * The service of a `codeploy serve` over its API: every gate runs on the
 * server, in its local service; this side only sends requests and follows
 * the deployment's events. Specs travel as documents and are validated there.
 */
import { CodeError, PolicyError } from "../core/errors.js";
import type { EngineEvent } from "../engine/events.js";
import type { StepEvent } from "../state/types.js";
import type { Accepted, ApiClient, Body, ChangePlanAnswer } from "./api-client.js";
import { checkPlan } from "./plan-id.js";
import type {
  ApplyRequest,
  Change,
  CodeService,
  DeploymentView,
  DestroyRequest,
  PlanAnswer,
  PlanRequest,
  RollbackRequest,
  RunHooks,
  StepView,
} from "./types.js";

function bodyOf(request: PlanRequest): Body {
  const input = request.input;
  return {
    ...("text" in input
      ? { text: input.text, ...(input.base !== undefined ? { base: input.base } : {}) }
      : { spec: input.spec }),
    ...(request.target ? { target: request.target } : {}),
    ...(request.provider ? { provider: request.provider } : {}),
  };
}

/** The engine event a stored step event was recorded from (see engine/recorder.ts). */
export function engineEventOf(e: StepEvent): EngineEvent {
  const data = e.data !== null && typeof e.data === "object" ? e.data : {};
  return { ...data, type: e.type, at: Date.parse(e.at) } as EngineEvent;
}

/** Follows a deployment's events until it ends; resolves with its final record. */
async function follow(
  client: ApiClient,
  accepted: Accepted,
  steps: readonly StepView[],
  hooks: RunHooks,
): Promise<DeploymentView> {
  let started = false;
  let last: DeploymentView | undefined;
  const start = async () => {
    if (started) return;
    started = true;
    hooks.onStart?.(await client.deployment(accepted.id), steps);
  };
  for await (const item of client.events(accepted.id, hooks.signal ? { signal: hooks.signal } : {})) {
    await start();
    if (item.kind === "end") last = item.deployment;
    else hooks.onEvent?.(engineEventOf(item.event));
  }
  await start();
  return last ?? (await client.deployment(accepted.id));
}

/**
 * A rollback or destroy as the server would run it now (its planId, a destroy's steps), checked
 * against `expectPlan` here so a plan that no longer holds is refused before any confirmation.
 * A server without the route (an older version) answers 404: the change goes on unreviewed, and
 * the server still checks `expectPlan` when it runs.
 */
async function reviewChange(
  client: ApiClient,
  action: "rollback" | "destroy",
  request: RollbackRequest | DestroyRequest,
): Promise<ChangePlanAnswer | undefined> {
  const { app, environment } = request;
  let reviewed: ChangePlanAnswer;
  try {
    reviewed = await client.planChange(app, environment, {
      action,
      ...("revision" in request && request.revision !== undefined ? { revision: request.revision } : {}),
    });
  } catch (error) {
    if (error instanceof CodeError && error.code === "NOT_FOUND") return undefined;
    throw error;
  }
  if (request.expectPlan !== undefined)
    checkPlan(reviewed.planId, request.expectPlan, `${app}/${environment}`);
  return reviewed;
}

export function createHttpService(client: ApiClient, where: string): CodeService {
  const change = (base: Omit<Change, "run">, send: () => Promise<Accepted>): Change => ({
    ...base,
    run: async (hooks = {}) => follow(client, await send(), base.steps, hooks),
  });

  return {
    where,
    interpret: (request) =>
      client.interpret({ text: request.text, ...(request.base !== undefined ? { base: request.base } : {}) }),
    plan: (request) => client.plan(bodyOf(request)),

    async apply(request: ApplyRequest) {
      if (request.wait)
        throw new CodeError("USAGE", "--wait runs only on this machine, not through a server", {
          hint: "drop --wait; the server queues deployments itself",
        });
      const body = bodyOf(request);
      // The server runs the words gate with the plan, so refusals come before any confirmation.
      const plan: PlanAnswer = await client.plan({
        ...body,
        gate: true,
        ...(request.acceptAssumptions ? { acceptAssumptions: true } : {}),
      });
      // The reviewed plan is checked here too, so a plan that no longer matches is refused before
      // any confirmation; the server checks it again when it runs (under the lock).
      if (request.expectPlan !== undefined && plan.planId !== undefined)
        checkPlan(plan.planId, request.expectPlan, `${plan.app}/${plan.environment}`);
      const changes = plan.steps.some((s) => s.action !== "noop");
      const base = {
        action: "apply" as const,
        app: plan.app,
        environment: plan.environment,
        plan,
        steps: plan.steps,
        changes,
        confirm: {
          what: `apply ${plan.app} to ${plan.environment} on ${where}`,
          ...(plan.environment === "production" ? { typeToConfirm: plan.app } : {}),
        },
        ...(plan.planId !== undefined ? { planId: plan.planId } : {}),
      };
      if (!plan.approved && request.acceptRisk !== true) {
        // Not sent: the server would refuse it the same way, and a policy changed in between
        // must not deploy what nobody confirmed.
        return {
          ...base,
          run: async () => {
            throw new PolicyError("the plan has policy errors", {
              hint: "fix the findings listed, or pass --accept-risk",
              details: { findings: plan.findings.filter((f) => f.severity === "error") },
            });
          },
        };
      }
      if (!changes) {
        const history = await client.history(plan.app, plan.environment, 20);
        const status = await client.status({ app: plan.app, env: plan.environment });
        const revision = status.environments[0]?.currentRevision ?? null;
        const made = history.deployments.find((d) => d.revision === revision && d.outcome === "succeeded");
        return {
          ...base,
          current: { revision, deployment: made?.id ?? null },
          run: async () => {
            throw new CodeError(
              "NOTHING_TO_CHANGE",
              `${plan.app}/${plan.environment}: what runs already matches the spec`,
            );
          },
        };
      }
      return change(base, () =>
        client.deploy({
          ...body,
          ...(request.acceptRisk ? { acceptRisk: true } : {}),
          ...(request.acceptAssumptions ? { acceptAssumptions: true } : {}),
          ...(request.onFailure ? { onFailure: request.onFailure } : {}),
          ...(request.adopt ? { adopt: true } : {}),
          ...("origin" in request.input && request.input.origin !== undefined
            ? { origin: request.input.origin }
            : {}),
          ...("commit" in request.input && request.input.commit !== undefined
            ? { commit: request.input.commit }
            : {}),
          ...(request.parallelism !== undefined ? { parallelism: request.parallelism } : {}),
          ...(request.stepTimeoutSeconds !== undefined
            ? { stepTimeoutSeconds: request.stepTimeoutSeconds }
            : {}),
          ...(request.expectPlan !== undefined ? { planId: request.expectPlan } : {}),
        }),
      );
    },

    async rollback(request) {
      const { app, environment } = request;
      const reviewed = await reviewChange(client, "rollback", request);
      return change(
        {
          action: "rollback",
          app,
          environment,
          steps: [],
          changes: true,
          confirm: {
            what: `roll back ${app}/${environment}${request.revision !== undefined ? ` to revision ${request.revision}` : ""} on ${where}`,
            ...(environment === "production" ? { typeToConfirm: app } : {}),
          },
          ...(reviewed ? { planId: reviewed.planId } : {}),
        },
        () => client.rollback(app, environment, request.revision, request.expectPlan),
      );
    },

    async destroy(request) {
      const { app, environment } = request;
      const reviewed = await reviewChange(client, "destroy", request);
      return change(
        {
          action: "destroy",
          app,
          environment,
          steps: reviewed?.steps ?? [],
          changes: reviewed?.changes ?? true,
          confirm: { what: `destroy ${app}/${environment} on ${where}`, typeToConfirm: app },
          ...(reviewed ? { planId: reviewed.planId } : {}),
        },
        () => client.destroy(app, environment, request.expectPlan),
      );
    },

    status: (request = {}) =>
      client.status({
        ...(request.app ? { app: request.app } : {}),
        ...(request.environment ? { env: request.environment } : {}),
        ...(request.live ? { live: true } : {}),
      }),

    statusPage: (request = {}) => client.statusPage(request),
    artifacts: (request) => client.artifacts(request),

    async history(request) {
      const environments = request.environment
        ? [request.environment]
        : (await client.status({ app: request.app })).environments.map((e) => e.environment);
      const answers = await Promise.all(
        environments.map((e) => client.history(request.app, e, request.limit)),
      );
      const deployments = answers
        .flatMap((h) => h.deployments)
        .sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0))
        .slice(0, request.limit ?? 50);
      // Waiting in the deployment queue (role api), in line order across the environments asked.
      const queued = answers
        .flatMap((h) => h.queued ?? [])
        .sort((a, b) => (a.submittedAt < b.submittedAt ? -1 : a.submittedAt > b.submittedAt ? 1 : 0));
      return {
        deployments,
        revisions: answers.flatMap((h) => h.revisions),
        ...(queued.length > 0 ? { queued } : {}),
      };
    },

    unlock: (request) => client.unlock(request.app, request.environment, request.force === true),

    drift: (request) => client.drift(request.app, request.environment),
    driftEvents: (request) =>
      client.driftEvents(request.app, request.environment, {
        ...(request.limit !== undefined ? { limit: request.limit } : {}),
        ...(request.before !== undefined ? { before: request.before } : {}),
      }),

    async logs() {
      throw new CodeError("USAGE", "codeploy logs runs on this machine only, not through a server", {
        hint: "drop --server (or unset CODEPLOY_SERVER) to run it here, where the engine is",
      });
    },

    audit: {
      verify: (options = {}) => client.verifyAudit(options),
      async head() {
        try {
          return await client.auditHead();
        } catch (error) {
          if (error instanceof CodeError && error.code === "NOT_FOUND") return undefined;
          throw error;
        }
      },
      list: async (options = {}) => (await client.listAudit(options)).records,
    },

    keys: {
      async create(r) {
        const { key, apiKey } = await client.createKey({
          name: r.name,
          role: r.role,
          environments: [...r.environments],
          ...(r.expiresInDays !== undefined ? { expiresInDays: r.expiresInDays } : {}),
        });
        return { apiKey, token: key };
      },
      list: async () => (await client.listKeys()).keys,
      revoke: (id) => client.revokeKey(id),
      expire: (id, at) => client.expireKey(id, at?.toISOString()),
    },

    experts: {
      members: (options = {}) => client.expertsMembers(options.probe !== false),
      ask: (request, signal) => client.expertsAsk({ ...request }, signal),
      history: async (options = {}) => (await client.expertsHistory(options.limit)).consultations,
      show: (id) => client.expertsShow(id),
    },

    async video(request, hooks = {}) {
      if (!/^https?:\/\//i.test(request.input) || request.captions !== undefined)
        throw new CodeError("USAGE", "a server reads no files: send the video as an http(s) URL", {
          hint: "drop --server (or unset CODEPLOY_SERVER) to process a file on this machine",
        });
      return client.video({ ...request }, hooks.signal);
    },
  };
}
