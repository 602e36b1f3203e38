/** Apps and environments: list, status with endpoints, history, rollback (202), destroy (202), unlock. */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { submitChange } from "../../queue/index.js";
import type { Change, DestroyRequest, EnvironmentView, RollbackRequest } from "../../service/types.js";
import { type AppContext, type AppEnv, noteAudit, type ServerDeps } from "../context.js";
import { HttpError, notFound } from "../errors.js";
import { callerRecord } from "../queue.js";
import {
  acceptedSchema,
  appsResult,
  artifactsBody,
  artifactsResult,
  destroyQuery,
  environmentResult,
  envParams,
  historyResult,
  rollbackBody,
  statusPageQuery,
  statusPageResult,
  statusQuery,
  statusResult,
  unlockQuery,
  unlockResult,
} from "../schemas.js";
import { serviceFor } from "../service.js";
import { requestInvalid } from "../spec-input.js";
import { errorResponse, errorResponses, json, jsonBody, secured } from "./common.js";
import { accepted, queued, runHooks } from "./deployments.js";

const historyQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).optional() });

const ENV_PATH = "/v1/apps/{app}/environments/{env}";
const tags = ["apps"];
const changeErrors = {
  404: errorResponse("not deployed, or no such revision"),
  409: errorResponse(
    "locked by another deployment, or planId no longer names this change (PLAN_MISMATCH, PLAN_STALE)",
  ),
  503: errorResponse("the server is shutting down"),
  ...errorResponses,
};

const statusListRoute = createRoute({
  method: "get",
  path: "/v1/status",
  tags,
  summary: "What runs where: every environment the token may see, or one app's (live: also ask its provider)",
  security: secured,
  request: { query: statusQuery },
  responses: { 200: json(statusResult, "environments"), ...errorResponses },
});

const statusPageRoute = createRoute({
  method: "get",
  path: "/v1/environments",
  tags,
  summary:
    "One page of the environments the token may see (brief rows: no outputs), searched, filtered, ordered and counted by the database",
  security: secured,
  request: { query: statusPageQuery },
  responses: { 200: json(statusPageResult, "a page and the total"), ...errorResponses },
});

const artifactsRoute = createRoute({
  method: "post",
  path: "/v1/artifacts",
  tags,
  summary:
    "The files a spec renders (plan permission), or a stored revision's (default: what runs), redacted as the gitops commit is: sensitive files and files holding a secret value are withheld",
  security: secured,
  request: { body: jsonBody(artifactsBody) },
  responses: {
    200: json(artifactsResult, "the files"),
    404: errorResponse("no such revision"),
    ...errorResponses,
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/v1/apps",
  tags,
  summary: "Every app with its environments (only those the token may see)",
  security: [{ bearer: [] }],
  responses: { 200: json(appsResult, "apps"), ...errorResponses },
});

const statusRoute = createRoute({
  method: "get",
  path: ENV_PATH,
  tags,
  summary: "Status of an environment: revisions, last deployment, lock, endpoints",
  security: secured,
  request: { params: envParams },
  responses: {
    200: json(environmentResult, "status"),
    404: errorResponse("never deployed"),
    ...errorResponses,
  },
});

const historyRoute = createRoute({
  method: "get",
  path: `${ENV_PATH}/history`,
  tags,
  summary: "Deployments (newest first) and revisions of an environment",
  security: secured,
  request: { params: envParams, query: historyQuery },
  responses: { 200: json(historyResult, "history"), ...errorResponses },
});

const rollbackRoute = createRoute({
  method: "post",
  path: `${ENV_PATH}/rollback`,
  tags,
  summary: "Restore an earlier revision (default: the one before what runs), in the background",
  security: secured,
  request: { params: envParams, body: { ...jsonBody(rollbackBody), required: false } },
  responses: {
    202: json(acceptedSchema, "recorded and running, or (role api) queued for a worker"),
    ...changeErrors,
  },
});

const destroyRoute = createRoute({
  method: "delete",
  path: ENV_PATH,
  tags,
  summary: "Remove everything the app runs in the environment (admin), in the background",
  security: secured,
  request: { params: envParams, query: destroyQuery },
  responses: {
    202: json(acceptedSchema, "recorded and running, or (role api) queued for a worker"),
    ...changeErrors,
  },
});

const unlockRoute = createRoute({
  method: "delete",
  path: `${ENV_PATH}/lock`,
  tags,
  summary:
    "Free the apply lock of an environment whose holder died (admin); ?force=true frees a live one (audited)",
  security: secured,
  request: { params: envParams, query: unlockQuery },
  responses: {
    200: json(unlockResult, "freed, or was not locked"),
    409: errorResponse(
      "LOCK_HELD: its holder still runs (its pid, or a fresh lease); send force=true to free it",
    ),
    ...errorResponses,
  },
});

async function optionalBody<T extends z.ZodType>(c: AppContext, schema: T): Promise<z.output<T>> {
  const text = await c.req.text();
  let value: unknown = {};
  try {
    if (text.trim() !== "") value = JSON.parse(text);
  } catch {
    throw new HttpError(400, "BAD_REQUEST", "Malformed JSON in request body", {
      hint: "send a JSON body, or none",
    });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw requestInvalid(parsed.error, value, "json");
  return parsed.data;
}

function groupApps(rows: readonly EnvironmentView[]) {
  const apps = new Map<string, { environment: string; currentRevision?: number; state?: string }[]>();
  for (const r of rows) {
    const list = apps.get(r.app) ?? [];
    list.push({
      environment: r.environment,
      ...(r.currentRevision !== undefined ? { currentRevision: r.currentRevision } : {}),
      ...(r.lastDeployment
        ? { state: r.lastDeployment.state }
        : r.queued !== undefined
          ? { state: "queued" }
          : {}),
    });
    apps.set(r.app, list);
  }
  return [...apps].map(([app, environments]) => ({ app, environments }));
}

export function registerAppRoutes(app: OpenAPIHono<AppEnv>, deps: ServerDeps): void {
  app.openapi(listRoute, async (c) => {
    const { environments } = await serviceFor(deps, c.get("principal")).status();
    return c.json({ apps: groupApps(environments) }, 200);
  });

  app.openapi(statusListRoute, async (c) => {
    const q = c.req.valid("query");
    const answer = await serviceFor(deps, c.get("principal")).status({
      ...(q.app ? { app: q.app } : {}),
      ...(q.env ? { environment: q.env } : {}),
      ...(q.live === "true" ? { live: true } : {}),
    });
    return c.json(answer, 200);
  });

  app.openapi(statusPageRoute, async (c) => {
    const q = c.req.valid("query");
    const answer = await serviceFor(deps, c.get("principal")).statusPage({
      ...(q.q ? { search: q.q } : {}),
      ...(q.env ? { environment: q.env } : {}),
      ...(q.state ? { state: q.state } : {}),
      ...(q.sort ? { sort: q.sort } : {}),
      ...(q.offset !== undefined ? { offset: q.offset } : {}),
      ...(q.limit !== undefined ? { limit: q.limit } : {}),
    });
    return c.json(answer, 200);
  });

  app.openapi(artifactsRoute, async (c) => {
    const body = c.req.valid("json");
    return c.json(await serviceFor(deps, c.get("principal"), c).artifacts(body), 200);
  });

  app.openapi(statusRoute, async (c) => {
    const { app: name, env } = c.req.valid("param");
    const { environments } = await serviceFor(deps, c.get("principal")).status({
      app: name,
      environment: env,
    });
    const [status] = environments;
    if (status === undefined) throw notFound(`${name}/${env} was never deployed`);
    return c.json(status, 200);
  });

  app.openapi(historyRoute, async (c) => {
    const { app: name, env } = c.req.valid("param");
    const limit = c.req.valid("query").limit;
    const history = await serviceFor(deps, c.get("principal")).history({
      app: name,
      environment: env,
      limit: limit ?? 100,
    });
    return c.json(history, 200);
  });

  registerChangeRoutes(app, deps);
}

/**
 * Rollback and destroy: both run in the background and answer 202 with the deployment; on an API
 * server in role api they go to the deployment queue (202 with `queued`), in line behind the jobs
 * of their app and environment, and a worker runs them as the same caller.
 */
function registerChangeRoutes(app: OpenAPIHono<AppEnv>, deps: ServerDeps): void {
  const start = async (c: AppContext, request: RollbackRequest | DestroyRequest, change: Change) => {
    if (deps.queue) {
      const job = await submitChange(deps.queue, change, request, callerRecord(c.get("principal")));
      return queued(c, job.id, change, job.ahead + 1);
    }
    return accepted(c, await deps.runs.start((ctx) => change.run(runHooks(ctx))));
  };

  // Documented with its body, handled by hand: the body is optional, and an empty one with a JSON
  // content type is not malformed here.
  app.openAPIRegistry.registerPath(rollbackRoute);
  app.post("/v1/apps/:app/environments/:env/rollback", async (c) => {
    const name = c.req.param("app");
    const env = c.req.param("env");
    const service = serviceFor(deps, c.get("principal"), c);
    const body = await optionalBody(c, rollbackBody);
    const request: RollbackRequest = {
      app: name,
      environment: env,
      ...(body.revision !== undefined ? { revision: body.revision } : {}),
      ...(body.planId !== undefined ? { expectPlan: body.planId } : {}),
    };
    return start(c, request, await service.rollback(request));
  });

  app.openapi(destroyRoute, async (c) => {
    const { app: name, env } = c.req.valid("param");
    const { planId } = c.req.valid("query");
    const request: DestroyRequest = {
      app: name,
      environment: env,
      ...(planId !== undefined ? { expectPlan: planId } : {}),
    };
    return start(c, request, await serviceFor(deps, c.get("principal"), c).destroy(request));
  });

  app.openapi(unlockRoute, async (c) => {
    const { app: name, env } = c.req.valid("param");
    const force = c.req.valid("query").force === "true";
    noteAudit(c, `${name}/${env}`, { force });
    // The store checks the holder and deletes in one transaction: a live holder (a run in any
    // process, renewing its lease) is refused unless forced; a forced-out run stops with lock-lost.
    const { freed, lock } = await serviceFor(deps, c.get("principal")).unlock({
      app: name,
      environment: env,
      force,
    });
    noteAudit(c, `${name}/${env}`, {
      freed,
      force,
      ...(lock
        ? { holder: lock.actor, ...(lock.deploymentId ? { deployment: lock.deploymentId } : {}) }
        : {}),
    });
    return c.json({ freed, ...(lock ? { lock } : {}) }, 200);
  });
}
