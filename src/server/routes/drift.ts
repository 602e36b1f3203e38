/** GET /v1/apps/{app}/environments/{env}/drift: `codeploy drift` over HTTP (read-only, RBAC like status). */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv, ServerDeps } from "../context.js";
import { envParams } from "../schemas.js";
import { serviceFor } from "../service.js";
import { errorResponse, errorResponses, json, secured } from "./common.js";

const driftItem = z
  .object({
    kind: z.string().openapi({ example: "container" }),
    name: z.string(),
    service: z.string().optional(),
    change: z.enum(["missing", "extra", "changed"]),
    path: z.string().openapi({ description: "JSON pointer of the field; empty for the whole object" }),
    expected: z.unknown().optional(),
    actual: z.unknown().optional(),
    manager: z.string().optional().openapi({ description: "the Kubernetes field manager that changed it" }),
  })
  .openapi("DriftItem");

export const driftResult = z
  .object({
    app: z.string(),
    environment: z.string(),
    revision: z.number().int(),
    provider: z.string(),
    checkedAt: z.string(),
    drifted: z.boolean(),
    resources: z.number().int(),
    items: z.array(driftItem),
    ignored: z.number().int(),
    event: z
      .number()
      .int()
      .optional()
      .openapi({ description: "the drift event this check recorded (its seq)" }),
  })
  .openapi("DriftResult");

const driftEvent = z
  .object({
    app: z.string(),
    environment: z.string(),
    seq: z.number().int().openapi({ description: "1, 2, 3... per app and environment" }),
    at: z.string(),
    revision: z.number().int().openapi({ description: "the applied revision the check compared with" }),
    provider: z.string(),
    resources: z.number().int(),
    summary: z
      .unknown()
      .openapi({ description: "count, ignored, and the first items (kind, name, change, path)" }),
    checker: z.string().openapi({ description: "who checked: a caller, or serve's checker" }),
    healed: z.boolean(),
    heal: z
      .object({
        deployment: z.string().optional(),
        outcome: z.string(),
        driftAfter: z.number().int().optional(),
      })
      .optional(),
  })
  .openapi("DriftEvent");

const driftEventsResult = z
  .object({
    events: z.array(driftEvent),
    next: z.number().int().optional().openapi({ description: "pass as `before` for the next (older) page" }),
  })
  .openapi("DriftEvents");

const driftEventsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional().openapi({ description: "default 50" }),
  before: z.coerce.number().int().min(1).optional().openapi({ description: "the previous page's next" }),
});

const driftEventsRoute = createRoute({
  method: "get",
  path: "/v1/apps/{app}/environments/{env}/drift/events",
  tags: ["apps"],
  summary: "Checks that found drift and their self-heals, newest first, paged",
  security: secured,
  request: { params: envParams, query: driftEventsQuery },
  responses: {
    200: json(driftEventsResult, "a page of drift events"),
    ...errorResponses,
  },
});

const driftRoute = createRoute({
  method: "get",
  path: "/v1/apps/{app}/environments/{env}/drift",
  tags: ["apps"],
  summary: "Compare what runs with the last applied revision, field by field (read-only)",
  security: secured,
  request: { params: envParams },
  responses: {
    200: json(driftResult, "the differences; drifted is false when there are none"),
    404: errorResponse("NOT_DEPLOYED: nothing applied to compare with"),
    409: errorResponse("DRIFT_UNSUPPORTED: its provider cannot tell drift (null)"),
    502: errorResponse("the engine, cluster or terraform failed to answer"),
    ...errorResponses,
  },
});

export function registerDriftRoutes(app: OpenAPIHono<AppEnv>, deps: ServerDeps): void {
  app.openapi(driftRoute, async (c) => {
    const { app: name, env } = c.req.valid("param");
    const answer = await serviceFor(deps, c.get("principal")).drift({ app: name, environment: env });
    deps.metrics.setDriftResources(answer.app, answer.environment, answer.resources);
    return c.json(answer, 200);
  });
  app.openapi(driftEventsRoute, async (c) => {
    const { app: name, env } = c.req.valid("param");
    const { limit, before } = c.req.valid("query");
    const page = await serviceFor(deps, c.get("principal")).driftEvents({
      app: name,
      environment: env,
      ...(limit !== undefined ? { limit } : {}),
      ...(before !== undefined ? { before } : {}),
    });
    return c.json(page, 200);
  });
}
