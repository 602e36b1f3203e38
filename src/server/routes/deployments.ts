/** POST /v1/deployments (202, runs in the background), GET one, GET its events as SSE. */
import { randomUUID } from "node:crypto";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { PolicyError } from "../../core/errors.js";
import { currentSpec, type DeployDeps, deploy } from "../../engine/deploy.js";
import type { Provider } from "../../engine/provider.js";
import { hashArtifacts } from "../../render/index.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import { scopedSecretValues } from "../../spec/secret-scope.js";
import type { Deployment } from "../../state/types.js";
import { authorize } from "../auth/rbac.js";
import { type AppContext, type AppEnv, noteAudit, type ServerDeps } from "../context.js";
import { forbidden, notFound } from "../errors.js";
import { lowerOnly } from "../limits.js";
import type { RunContext } from "../runs.js";
import { acceptedSchema, deployBody, deploymentSchema, idParam } from "../schemas.js";
import { specFromBody } from "../spec-input.js";
import { eventStream } from "../sse.js";
import { errorResponse, errorResponses, json, jsonBody, secured } from "./common.js";
import { review } from "./intent.js";

const startRoute = createRoute({
  method: "post",
  path: "/v1/deployments",
  tags: ["deployments"],
  summary: "Deploy a spec (or words) in the background; follow it with GET .../events",
  security: secured,
  request: { body: jsonBody(deployBody) },
  responses: {
    202: json(acceptedSchema, "recorded and running"),
    409: errorResponse("the app and environment are locked by another deployment"),
    422: errorResponse(
      "refused by policy (details.findings), words that ask for another action or leave questions open (INTENT_REFUSED), or the provider is not available",
    ),
    503: errorResponse("the server is shutting down"),
    ...errorResponses,
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/v1/deployments/{id}",
  tags: ["deployments"],
  summary: "One deployment: state, outcome, revision, actor, number of events",
  security: secured,
  request: { params: idParam },
  responses: {
    200: json(deploymentSchema, "the deployment"),
    404: errorResponse("no such deployment"),
    ...errorResponses,
  },
});

const eventsRoute = createRoute({
  method: "get",
  path: "/v1/deployments/{id}/events",
  tags: ["deployments"],
  summary:
    "Step events as Server-Sent Events: stored ones first (after Last-Event-ID), then live, then `end`",
  security: secured,
  request: {
    params: idParam,
    query: z.object({ after: z.coerce.number().int().min(0).optional() }),
    headers: z.object({ "last-event-id": z.string().regex(/^\d+$/).optional() }),
  },
  responses: {
    200: { description: "an event stream", content: { "text/event-stream": { schema: z.string() } } },
    404: errorResponse("no such deployment"),
    ...errorResponses,
  },
});

/** DeployDeps of one run: the server's store and render settings, with the provider picked for the request. */
export function runDeps(
  deps: ServerDeps,
  providerFor: (spec: DeploymentSpec, recorded?: string) => Provider,
): DeployDeps {
  return {
    store: deps.store,
    providerFor,
    render: (spec) => deps.planner.render(spec, scopedSecretValues(spec, deps.secrets)),
    hashArtifacts,
    secrets: deps.secrets,
  };
}

/** The engine's own defaults, the ceilings when the server sets none. */
const ENGINE_PARALLELISM = 8;
const ENGINE_STEP_TIMEOUT_MS = 300_000;

/** Parallelism and step deadline of one request: lower than the server's, or the server's. */
function requestedLimits(deps: ServerDeps, body: { parallelism?: number; stepTimeoutSeconds?: number }) {
  const parallelism = lowerOnly(
    "parallelism",
    body.parallelism,
    deps.deployOptions.parallelism ?? ENGINE_PARALLELISM,
    "the server's deployment parallelism",
  );
  const stepTimeoutSeconds = lowerOnly(
    "stepTimeoutSeconds",
    body.stepTimeoutSeconds,
    Math.floor((deps.deployOptions.stepTimeoutMs ?? ENGINE_STEP_TIMEOUT_MS) / 1000),
    "the server's step timeout",
  );
  return {
    ...(parallelism !== undefined ? { parallelism } : {}),
    ...(body.stepTimeoutSeconds !== undefined && stepTimeoutSeconds !== undefined
      ? { stepTimeoutMs: stepTimeoutSeconds * 1000 }
      : {}),
  };
}

/** Engine options of one background run. */
export function runOptions(
  deps: ServerDeps,
  ctx: RunContext,
  limits: ReturnType<typeof requestedLimits> = {},
) {
  return {
    ...deps.deployOptions,
    ...limits,
    signal: ctx.signal,
    onStart: (d: Deployment) => ctx.onStart(d),
    onEvent: ctx.onEvent,
  };
}

export function accepted(c: AppContext, d: Deployment) {
  noteAudit(c, `${d.app}/${d.environment}`, { deployment: d.id, revision: d.revision });
  return c.json(
    {
      id: d.id,
      app: d.app,
      environment: d.environment,
      action: d.action,
      revision: d.revision,
      links: { self: `/v1/deployments/${d.id}`, events: `/v1/deployments/${d.id}/events` },
    },
    202,
  );
}

/** 202 for a deployment waiting for a free slot: its future id and its place in the wait list. */
function queued(c: AppContext, id: string, spec: DeploymentSpec, position: number) {
  noteAudit(c, `${spec.name}/${spec.environment}`, { deployment: id, queued: position });
  return c.json(
    {
      id,
      app: spec.name,
      environment: spec.environment,
      action: "apply" as const,
      queued: true,
      position,
      links: { self: `/v1/deployments/${id}`, events: `/v1/deployments/${id}/events` },
    },
    202,
  );
}

export async function readableDeployment(c: AppContext, deps: ServerDeps, id: string): Promise<Deployment> {
  const d = await deps.store.getDeployment(id);
  if (d === undefined) throw notFound(`no deployment ${id}`);
  authorize(c.get("principal"), "read", d.environment);
  return d;
}

const FINISHED_CACHE_SIZE = 1000;

/**
 * GET /v1/deployments/{id} is what clients poll. A finished deployment's record
 * never changes again (the store refuses a second outcome), so finished ones
 * are kept here and served without a store read; running ones always are read.
 */
function finishedCache(deps: ServerDeps) {
  const finished = new Map<string, Deployment>();
  return async (c: AppContext, id: string): Promise<Deployment> => {
    const hit = finished.get(id);
    if (hit !== undefined) {
      authorize(c.get("principal"), "read", hit.environment);
      return hit;
    }
    const d = await readableDeployment(c, deps, id);
    if (d.outcome !== undefined) {
      if (finished.size >= FINISHED_CACHE_SIZE) finished.delete(finished.keys().next().value ?? "");
      finished.set(id, d);
    }
    return d;
  };
}

export function registerDeploymentRoutes(app: OpenAPIHono<AppEnv>, deps: ServerDeps): void {
  app.openapi(startRoute, async (c) => {
    const principal = c.get("principal");
    authorize(principal, "deploy");
    const body = c.req.valid("json");
    const limits = requestedLimits(deps, body);
    const resolved = await specFromBody(deps, body, {
      ...(body.acceptAssumptions ? { acceptAssumptions: true } : {}),
      exists: async (app, env) => (await currentSpec(deps.store, app, env)) !== undefined,
    });
    const { spec } = resolved;
    noteAudit(c, `${spec.name}/${spec.environment}`);
    authorize(principal, "deploy", spec.environment);
    const reviewed = await review(deps, spec);
    if (!reviewed.approved && body.acceptRisk !== true) {
      throw new PolicyError("the plan has policy errors", {
        hint: "fix the findings listed in details, or send acceptRisk: true",
        details: { findings: reviewed.findings.filter((f) => f.severity === "error") },
      });
    }
    // Adopting takes over objects that are not this app + environment's: an admin decision.
    if (body.adopt === true && principal.role !== "admin")
      throw forbidden("only an admin may adopt existing objects", "leave adopt out, or ask an admin");
    const provider = deps.providers(spec, body.provider);
    const id = randomUUID();
    const admission = deps.runs.admit((ctx) =>
      deploy(
        {
          deploymentId: id,
          spec,
          actor: principal.actor,
          ...(resolved.request !== undefined ? { request: resolved.request } : {}),
          ...(resolved.interpreter !== undefined ? { interpreter: resolved.interpreter } : {}),
          ...(resolved.usage ? { interpretUsage: resolved.usage } : {}),
          onFailure: body.onFailure ?? "rollback",
          ...(body.adopt === true ? { adopt: true } : {}),
        },
        runDeps(deps, () => provider),
        runOptions(deps, ctx, limits),
      ),
    );
    if (admission.position === 0) return accepted(c, await admission.recorded);
    admission.recorded.catch((error: unknown) =>
      deps.logger.log("warn", `queued deployment ${id} of ${spec.name}/${spec.environment} did not start`, {
        error,
      }),
    );
    return queued(c, id, spec, admission.position);
  });

  const cached = finishedCache(deps);
  app.openapi(getRoute, async (c) => {
    const d = await cached(c, c.req.valid("param").id);
    return c.json(d, 200);
  });

  app.openapi(eventsRoute, async (c) => {
    const { id } = c.req.valid("param");
    await readableDeployment(c, deps, id);
    const header = c.req.valid("header")["last-event-id"];
    const after = header !== undefined ? Number(header) : (c.req.valid("query").after ?? 0);
    return eventStream(c, deps, id, after);
  });
}
