/**
 * POST /v1/apps/{app}/environments/{env}/plan: a rollback or destroy as it would run now, with its
 * planId, without running it (the REST counterpart of `plan` for apply). Nothing is recorded; the
 * caller needs the right to make the change (rollback: deployer, destroy: admin).
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv, ServerDeps } from "../context.js";
import { changePlanBody, changePlanResult, envParams } from "../schemas.js";
import { serviceFor } from "../service.js";
import { errorResponses, json, jsonBody, secured } from "./common.js";

const changePlanRoute = createRoute({
  method: "post",
  path: "/v1/apps/{app}/environments/{env}/plan",
  tags: ["apps"],
  summary: "Review a rollback or destroy before it runs: its steps and the planId that runs exactly it",
  security: secured,
  request: { params: envParams, body: jsonBody(changePlanBody) },
  responses: { 200: json(changePlanResult, "the change as it would run now"), ...errorResponses },
});

export function registerChangePlanRoutes(app: OpenAPIHono<AppEnv>, deps: ServerDeps): void {
  app.openapi(changePlanRoute, async (c) => {
    const { app: name, env } = c.req.valid("param");
    const body = c.req.valid("json");
    const service = serviceFor(deps, c.get("principal"), c);
    const change =
      body.action === "rollback"
        ? await service.rollback({
            app: name,
            environment: env,
            ...(body.revision !== undefined ? { revision: body.revision } : {}),
          })
        : await service.destroy({ app: name, environment: env });
    return c.json(
      {
        action: body.action,
        app: change.app,
        environment: change.environment,
        planId: change.planId ?? "",
        steps: change.steps.map((s) => ({ ...s, dependsOn: [...s.dependsOn] })),
        changes: change.changes,
        confirm: {
          what: change.confirm.what,
          ...(change.confirm.typeToConfirm !== undefined
            ? { typeToConfirm: change.confirm.typeToConfirm }
            : {}),
        },
      },
      200,
    );
  });
}
