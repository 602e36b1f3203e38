/** POST /v1/interpret and POST /v1/plan: words -> spec, spec -> reviewed plan. No side effects. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { currentSpec } from "../../engine/deploy.js";
import { reviewWithRego } from "../../review/edge.js";
import { type PlanJson, planToJson } from "../../review/index.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import { requireSecretScope } from "../../spec/secret-scope.js";
import { authorize } from "../auth/rbac.js";
import type { AppEnv, ServerDeps } from "../context.js";
import { interpretBody, interpretResult, planBody, planResult } from "../schemas.js";
import { interpretText, specFromBody, validateAt } from "../spec-input.js";
import { errorResponses, json, jsonBody, secured } from "./common.js";

const interpretRoute = createRoute({
  method: "post",
  path: "/v1/interpret",
  tags: ["plan"],
  summary:
    "Turn a request in words into a DeploymentSpec (the offline rules, or the model interpret.mode configures)",
  security: secured,
  request: { body: jsonBody(interpretBody) },
  responses: {
    200: json(interpretResult, "the action, spec, assumptions and open questions"),
    ...errorResponses,
  },
});

const planRoute = createRoute({
  method: "post",
  path: "/v1/plan",
  tags: ["plan"],
  summary: "Plan a spec (or words): steps, cost estimate and policy findings against what runs now",
  security: secured,
  request: { body: jsonBody(planBody) },
  responses: { 200: json(planResult, "the reviewed plan"), ...errorResponses },
});

/** Reviews `spec` against what runs now, with the server's policy settings, off the event loop. */
export async function review(deps: ServerDeps, spec: DeploymentSpec): Promise<PlanJson> {
  const current = await currentSpec(deps.store, spec.name, spec.environment);
  // Rego policies read the rendered objects, which the plan workers do not send back: with
  // policies configured the review (and OPA, a child process) runs here instead.
  if (deps.policy.rego && deps.policy.rego.files.length > 0) {
    return planToJson(
      await reviewWithRego(spec, {
        ...(current ? { current } : {}),
        ...deps.policy,
        render: deps.renderOptions,
      }),
    );
  }
  return deps.planner.review(spec, current);
}

export function registerIntentRoutes(app: OpenAPIHono<AppEnv>, deps: ServerDeps): void {
  app.openapi(interpretRoute, async (c) => {
    const principal = c.get("principal");
    authorize(principal, "interpret");
    const body = c.req.valid("json");
    const base = body.base === undefined ? undefined : validateAt(body.base, "base");
    const result = await interpretText(deps, body.text, base ? { base } : {});
    authorize(principal, "interpret", result.spec.environment);
    return c.json(result, 200);
  });

  app.openapi(planRoute, async (c) => {
    const principal = c.get("principal");
    authorize(principal, "plan");
    const resolved = await specFromBody(deps, c.req.valid("json"));
    authorize(principal, "plan", resolved.spec.environment);
    // A plan shows what a deployment would render: refuse secrets the caller's app + environment may not use.
    requireSecretScope(resolved.spec, deps.secrets);
    const reviewed = await review(deps, resolved.spec);
    const words =
      resolved.request !== undefined
        ? {
            request: resolved.request,
            ...(resolved.interpreter !== undefined ? { interpreter: resolved.interpreter } : {}),
            ...(resolved.usage ? { usage: resolved.usage } : {}),
            assumptions: [...resolved.assumptions],
            questions: [...resolved.questions],
          }
        : {};
    return c.json({ ...reviewed, ...words }, 200);
  });
}
