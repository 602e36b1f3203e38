/** POST /v1/deployments (202, runs in the background), GET one, GET its events as SSE. */
import { randomUUID } from "node:crypto";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { submitApply } from "../../queue/index.js";
import type { Change, DeploymentView, RunHooks } from "../../service/types.js";
import type { Deployment } from "../../state/types.js";
import { authorize } from "../auth/rbac.js";
import { type AppContext, type AppEnv, noteAudit, type ServerDeps } from "../context.js";
import { notFound } from "../errors.js";
import { callerRecord } from "../queue.js";
import type { RunContext } from "../runs.js";
import { acceptedSchema, deployBody, deploymentSchema, idParam } from "../schemas.js";
import { serviceFor } from "../service.js";
import { eventStream } from "../sse.js";
import { errorResponse, errorResponses, json, jsonBody, secured } from "./common.js";
import { inputOf } from "./intent.js";
import { awaitStart, jobOnlyView, withJob } from "./queued.js";

const startRoute = createRoute({
  method: "post",
  path: "/v1/deployments",
  tags: ["deployments"],
  summary: "Deploy a spec (or words) in the background; follow it with GET .../events",
  security: secured,
  request: { body: jsonBody(deployBody) },
  responses: {
    200: json(
      acceptedSchema,
      "nothing to change: what runs already matches (unchanged: true, the deployment that made it run)",
    ),
    202: json(acceptedSchema, "recorded and running"),
    409: errorResponse(
      "the app and environment are locked by another deployment, or planId no longer names this change (PLAN_MISMATCH, PLAN_STALE)",
    ),
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

/** The run hooks of one background run, for the server's run list. */
export function runHooks(ctx: RunContext, deploymentId?: string): RunHooks {
  return {
    signal: ctx.signal,
    ...(deploymentId ? { deploymentId } : {}),
    onStart: (d) => ctx.onStart(d),
    onEvent: ctx.onEvent,
  };
}

export function accepted(c: AppContext, d: DeploymentView) {
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

/** 200 for an apply whose spec already runs: the deployment and revision that run it. */
function unchanged(c: AppContext, change: Change) {
  const deployment = change.current?.deployment ?? "";
  noteAudit(c, `${change.app}/${change.environment}`, { unchanged: true, deployment });
  return c.json(
    {
      id: deployment,
      app: change.app,
      environment: change.environment,
      action: "apply" as const,
      unchanged: true,
      ...(change.current?.revision != null ? { revision: change.current.revision } : {}),
      links: { self: `/v1/deployments/${deployment}`, events: `/v1/deployments/${deployment}/events` },
    },
    200,
  );
}

/**
 * 202 for a change waiting for a free slot, or in the deployment queue (role api): its future id
 * and its place in line.
 */
export function queued(c: AppContext, id: string, change: Change, position: number) {
  noteAudit(c, `${change.app}/${change.environment}`, { deployment: id, queued: position });
  return c.json(
    {
      id,
      app: change.app,
      environment: change.environment,
      action: change.action,
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
    const body = c.req.valid("json");
    const service = serviceFor(deps, c.get("principal"), c);
    const change = await service.apply({
      input: inputOf(body),
      ...(body.target ? { target: body.target } : {}),
      ...(body.provider ? { provider: body.provider } : {}),
      ...(body.acceptRisk ? { acceptRisk: true } : {}),
      ...(body.acceptAssumptions ? { acceptAssumptions: true } : {}),
      ...(body.onFailure ? { onFailure: body.onFailure } : {}),
      ...(body.adopt ? { adopt: true } : {}),
      ...(body.parallelism !== undefined ? { parallelism: body.parallelism } : {}),
      ...(body.stepTimeoutSeconds !== undefined ? { stepTimeoutSeconds: body.stepTimeoutSeconds } : {}),
      ...(body.planId !== undefined ? { expectPlan: body.planId } : {}),
      ...(deps.queue ? { queued: true } : {}),
    });
    // A refused plan: running it throws the refusal (422 with the findings).
    if (change.plan && !change.plan.approved && body.acceptRisk !== true) await change.run();
    if (!change.changes) return unchanged(c, change);
    if (deps.queue) {
      // Role api: every gate passed; a worker runs it with this id.
      const job = await submitApply(deps.queue, change, callerRecord(c.get("principal")));
      return queued(c, job.id, change, job.ahead + 1);
    }
    const id = randomUUID();
    const admission = deps.runs.admit((ctx) => change.run(runHooks(ctx, id)));
    if (admission.position === 0) return accepted(c, await admission.recorded);
    admission.recorded.catch((error: unknown) =>
      deps.logger.log(
        "warn",
        `queued deployment ${id} of ${change.app}/${change.environment} did not start`,
        {
          error,
        },
      ),
    );
    return queued(c, id, change, admission.position);
  });

  const cached = finishedCache(deps);
  app.openapi(getRoute, async (c) => {
    const id = c.req.valid("param").id;
    const jobs = deps.store.jobs;
    if (jobs === undefined) return c.json(await cached(c, id), 200);
    // With the queue: a job stands in for a deployment not recorded yet, and carries its retry links.
    const [d, job] = await Promise.all([deps.store.getDeployment(id), jobs.get(id)]);
    if (d !== undefined) {
      authorize(c.get("principal"), "read", d.environment);
      return c.json(withJob(d, job), 200);
    }
    if (job === undefined) throw notFound(`no deployment ${id}`);
    authorize(c.get("principal"), "read", job.environment);
    return c.json(jobOnlyView(job), 200);
  });

  app.openapi(eventsRoute, async (c) => {
    const { id } = c.req.valid("param");
    const header = c.req.valid("header")["last-event-id"];
    const after = header !== undefined ? Number(header) : (c.req.valid("query").after ?? 0);
    const job =
      deps.store.jobs && (await deps.store.getDeployment(id)) === undefined
        ? await deps.store.jobs.get(id)
        : undefined;
    if (job !== undefined && deps.store.jobs) {
      authorize(c.get("principal"), "read", job.environment);
      return eventStream(c, deps, id, after, awaitStart(deps.store, deps.store.jobs, id, deps.pollMs));
    }
    await readableDeployment(c, deps, id);
    return eventStream(c, deps, id, after);
  });
}
