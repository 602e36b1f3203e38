/** POST /v1/interpret and POST /v1/plan: words -> spec, spec -> reviewed plan. No side effects. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { reviewWithRego } from "../../review/edge.js";
import { type PlanJson, planToJson } from "../../review/index.js";
import type { SpecInput } from "../../service/types.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import type { AppEnv, ServerDeps } from "../context.js";
import { interpretBody, interpretResult, planBody, planResult } from "../schemas.js";
import { serviceFor } from "../service.js";
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
export async function reviewSpec(
  deps: ServerDeps,
  spec: DeploymentSpec,
  current: DeploymentSpec | undefined,
): Promise<PlanJson> {
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

/** `{text, base?}` or `{spec}` of a request body: what to deploy. */
export function inputOf(body: {
  text?: string | undefined;
  base?: unknown;
  spec?: unknown;
  origin?: string | undefined;
  commit?: string | undefined;
}): SpecInput {
  if (body.text !== undefined)
    return { text: body.text, ...(body.base !== undefined ? { base: body.base } : {}) };
  return {
    spec: body.spec,
    ...(body.origin !== undefined ? { origin: body.origin } : {}),
    ...(body.commit !== undefined ? { commit: body.commit } : {}),
  };
}

export function registerIntentRoutes(app: OpenAPIHono<AppEnv>, deps: ServerDeps): void {
  app.openapi(interpretRoute, async (c) => {
    const body = c.req.valid("json");
    const result = await serviceFor(deps, c.get("principal")).interpret({
      text: body.text,
      ...(body.base !== undefined ? { base: body.base } : {}),
    });
    return c.json(result, 200);
  });

  app.openapi(planRoute, async (c) => {
    const body = c.req.valid("json");
    const plan = await serviceFor(deps, c.get("principal")).plan({
      input: inputOf(body),
      ...(body.target ? { target: body.target } : {}),
      ...(body.provider ? { provider: body.provider } : {}),
      ...(body.gate ? { gate: true } : {}),
      ...(body.acceptAssumptions ? { acceptAssumptions: true } : {}),
    });
    return c.json(plan, 200);
  });
}
