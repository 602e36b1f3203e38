/** Apps and environments: list, status with endpoints, history, rollback (202), destroy (202), unlock. */
import { createRoute, type OpenAPIHono, type z } from "@hono/zod-openapi";
import { destroyEnvironment, rollbackTo } from "../../engine/deploy.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import type { Deployment, EnvironmentStatus, StateStore } from "../../state/types.js";
import { authorize, mayAccess } from "../auth/rbac.js";
import { type AppContext, type AppEnv, noteAudit, type ServerDeps } from "../context.js";
import { HttpError, notFound } from "../errors.js";
import {
  acceptedSchema,
  appsResult,
  environmentResult,
  envParams,
  historyResult,
  rollbackBody,
  unlockQuery,
  unlockResult,
} from "../schemas.js";
import { requestInvalid } from "../spec-input.js";
import { errorResponse, errorResponses, json, jsonBody, secured } from "./common.js";
import { accepted, runDeps, runOptions } from "./deployments.js";

const ENV_PATH = "/v1/apps/{app}/environments/{env}";
const tags = ["apps"];
const changeErrors = {
  404: errorResponse("not deployed, or no such revision"),
  409: errorResponse("locked by another deployment"),
  503: errorResponse("the server is shutting down"),
  ...errorResponses,
};

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
  request: { params: envParams },
  responses: { 200: json(historyResult, "history"), ...errorResponses },
});

const rollbackRoute = createRoute({
  method: "post",
  path: `${ENV_PATH}/rollback`,
  tags,
  summary: "Restore an earlier revision (default: the one before what runs), in the background",
  security: secured,
  request: { params: envParams, body: { ...jsonBody(rollbackBody), required: false } },
  responses: { 202: json(acceptedSchema, "recorded and running"), ...changeErrors },
});

const destroyRoute = createRoute({
  method: "delete",
  path: ENV_PATH,
  tags,
  summary: "Remove everything the app runs in the environment (admin), in the background",
  security: secured,
  request: { params: envParams },
  responses: { 202: json(acceptedSchema, "recorded and running"), ...changeErrors },
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

function groupApps(rows: readonly EnvironmentStatus[]) {
  const apps = new Map<string, { environment: string; currentRevision?: number; state?: string }[]>();
  for (const r of rows) {
    const list = apps.get(r.app) ?? [];
    list.push({
      environment: r.environment,
      ...(r.currentRevision !== undefined ? { currentRevision: r.currentRevision } : {}),
      ...(r.lastDeployment ? { state: r.lastDeployment.state } : {}),
    });
    apps.set(r.app, list);
  }
  return [...apps].map(([app, environments]) => ({ app, environments }));
}

/** Outputs of the steps of the deployment that put the current revision in place; URLs among them are endpoints. */
async function outputsOf(store: StateStore, status: EnvironmentStatus) {
  const outputs: Record<string, Record<string, string>> = {};
  if (status.currentRevision === undefined) return { outputs, endpoints: [] };
  const history = await store.listDeployments({
    app: status.app,
    environment: status.environment,
    limit: 20,
  });
  const live: Deployment | undefined = history.find(
    (d) => d.outcome === "succeeded" && d.action !== "destroy",
  );
  for (const e of live ? await store.listEvents(live.id) : []) {
    const data = e.data;
    if (e.type !== "step-succeeded" || e.step === undefined || data === null || typeof data !== "object")
      continue;
    const found = "outputs" in data ? data.outputs : undefined;
    if (found && typeof found === "object")
      outputs[e.step] = Object.fromEntries(Object.entries(found).map(([k, v]) => [k, String(v)]));
  }
  const endpoints = Object.values(outputs)
    .flatMap((o) => Object.values(o))
    .filter((v) => /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(v));
  return { outputs, endpoints: [...new Set(endpoints)].sort() };
}

export function registerAppRoutes(app: OpenAPIHono<AppEnv>, deps: ServerDeps): void {
  app.openapi(listRoute, async (c) => {
    const principal = c.get("principal");
    authorize(principal, "read");
    const rows = (await deps.store.status()).filter((r) => mayAccess(principal, r.environment));
    return c.json({ apps: groupApps(rows) }, 200);
  });

  app.openapi(statusRoute, async (c) => {
    const { app: name, env } = c.req.valid("param");
    authorize(c.get("principal"), "read", env);
    const [status] = await deps.store.status({ app: name, environment: env });
    if (status === undefined) throw notFound(`${name}/${env} was never deployed`);
    return c.json({ ...status, ...(await outputsOf(deps.store, status)) }, 200);
  });

  app.openapi(historyRoute, async (c) => {
    const { app: name, env } = c.req.valid("param");
    authorize(c.get("principal"), "read", env);
    const key = { app: name, environment: env };
    const [deployments, revisions] = await Promise.all([
      deps.store.listDeployments({ ...key, limit: 100 }),
      deps.store.listRevisions(key),
    ]);
    const summaries = revisions.map(({ spec: _s, artifactHashes: _h, app: _a, environment: _e, ...r }) => r);
    return c.json({ deployments, revisions: summaries }, 200);
  });

  registerChangeRoutes(app, deps);
}

/** Rollback and destroy: both run in the background and answer 202 with the deployment. */
function registerChangeRoutes(app: OpenAPIHono<AppEnv>, deps: ServerDeps): void {
  // Documented with its body, handled by hand: the body is optional, and an empty one with a JSON
  // content type is not malformed here.
  app.openAPIRegistry.registerPath(rollbackRoute);
  app.post("/v1/apps/:app/environments/:env/rollback", async (c) => {
    const name = c.req.param("app");
    const env = c.req.param("env");
    const principal = c.get("principal");
    noteAudit(c, `${name}/${env}`);
    authorize(principal, "rollback", env);
    const body = await optionalBody(c, rollbackBody);
    const deployment = await deps.runs.start((ctx) =>
      rollbackTo(
        {
          app: name,
          environment: env,
          actor: principal.actor,
          ...(body.revision !== undefined ? { toRevision: body.revision } : {}),
        },
        runDeps(deps, recordedOr(deps)),
        runOptions(deps, ctx),
      ),
    );
    return accepted(c, deployment);
  });

  app.openapi(destroyRoute, async (c) => {
    const { app: name, env } = c.req.valid("param");
    const principal = c.get("principal");
    noteAudit(c, `${name}/${env}`);
    authorize(principal, "destroy", env);
    const deployment = await deps.runs.start((ctx) =>
      destroyEnvironment(
        { app: name, environment: env, actor: principal.actor },
        runDeps(deps, recordedOr(deps)),
        runOptions(deps, ctx),
      ),
    );
    return accepted(c, deployment);
  });

  app.openapi(unlockRoute, async (c) => {
    const { app: name, env } = c.req.valid("param");
    const force = c.req.valid("query").force === "true";
    noteAudit(c, `${name}/${env}`, { force });
    authorize(c.get("principal"), "unlock", env);
    const key = { app: name, environment: env };
    // The store checks the holder and deletes in one transaction: a live holder (a run in any
    // process, renewing its lease) is refused unless forced; a forced-out run stops with lock-lost.
    const { freed, lock } = await deps.store.unlock(key, { force });
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

/** The provider recorded with what runs now (rollback, destroy), else the server's choice for the spec. */
function recordedOr(deps: ServerDeps) {
  return (spec: DeploymentSpec, recorded?: string) =>
    deps.providers(spec, recorded === undefined || recorded === spec.target ? undefined : recorded);
}
