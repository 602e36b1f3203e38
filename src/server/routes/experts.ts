/**
 * The Circle of Experts over HTTP: the members, a consultation, the history
 * and one consultation. Consultations cost money and may hold what people
 * asked, so every route needs the `interpret` permission (deployer or admin);
 * the service checks it, applies the configured budget and deadline as
 * ceilings and records each consultation in the server's store.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { ExpertsConfig } from "../../core/config.js";
import type { Consultation } from "../../experts/types.js";
import type { LlmClientOptions } from "../../llm/index.js";
import type { AppEnv, ServerDeps } from "../context.js";
import { serviceFor } from "../service.js";
import { errorResponse, errorResponses, json, jsonBody, secured } from "./common.js";

export interface ExpertsRouteOptions {
  readonly config: ExpertsConfig;
  /** Where apiKeyEnv values are read (the server's environment). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clientOptions?: LlmClientOptions;
}

const tags = ["experts"];

const askBody = z
  .object({
    question: z.string().trim().min(1).max(8000),
    experts: z.array(z.string().min(1)).min(1).optional(),
    deadlineSeconds: z.number().positive().max(600).optional(),
    budgetUsd: z.number().min(0).optional(),
    review: z.boolean().optional(),
    cache: z.boolean().optional(),
  })
  .openapi("ExpertsAsk");

const point = z.object({ text: z.string(), support: z.array(z.string()).readonly(), share: z.number() });
const consultationSchema = z
  .object({
    id: z.string(),
    createdAt: z.string(),
    question: z.string(),
    answers: z.array(
      z.object({
        expert: z.string(),
        model: z.string(),
        status: z.enum(["ok", "failed", "timeout"]),
        text: z.string(),
        error: z.string().nullable(),
        latencyMs: z.number(),
        costUsd: z.number().nullable(),
      }),
    ),
    consensus: z.object({
      summary: z.string(),
      recommendations: z.array(z.string()).readonly(),
      points: z.array(point).readonly(),
      dissent: z.array(point).readonly(),
      confidence: z.number(),
      method: z.string(),
    }),
    cost: z.object({
      totalUsd: z.number(),
      byStage: z.record(z.string(), z.number()),
      unpriced: z.array(z.string()).readonly(),
    }),
    cached: z.boolean(),
  })
  .openapi("ExpertsAnswer");

const membersSchema = z
  .object({
    members: z.array(
      z.object({
        name: z.string(),
        provider: z.string(),
        model: z.string(),
        baseUrl: z.string().nullable(),
        usable: z.boolean(),
        reason: z.string().nullable(),
        priced: z.boolean(),
      }),
    ),
    chair: z.array(z.string()),
  })
  .openapi("ExpertsMembers");

const historySchema = z
  .object({
    consultations: z.array(
      z.object({ id: z.string(), createdAt: z.string(), question: z.string(), totalUsd: z.number() }),
    ),
  })
  .openapi("ExpertsHistory");

const askRoute = createRoute({
  method: "post",
  path: "/v1/experts/ask",
  tags,
  summary: "Ask the Circle of Experts: every member in parallel, their consensus, dissent and cost",
  security: secured,
  request: { body: jsonBody(askBody) },
  responses: { 200: json(consultationSchema, "the consultation"), ...errorResponses },
});

const membersRoute = createRoute({
  method: "get",
  path: "/v1/experts",
  tags,
  summary: "The configured experts, whether each can be asked and, if not, why",
  security: secured,
  request: {
    query: z.object({
      probe: z
        .enum(["true", "false"])
        .optional()
        .openapi({ description: "false: check keys and settings only, without contacting the models" }),
    }),
  },
  responses: { 200: json(membersSchema, "the members and the chair"), ...errorResponses },
});

const historyRoute = createRoute({
  method: "get",
  path: "/v1/experts/consultations",
  tags,
  summary: "Past consultations, newest first",
  security: secured,
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(1000).optional() }) },
  responses: { 200: json(historySchema, "consultations, newest first"), ...errorResponses },
});

const showRoute = createRoute({
  method: "get",
  path: "/v1/experts/consultations/{id}",
  tags,
  summary: "One consultation (an id or its first characters)",
  security: secured,
  request: { params: z.object({ id: z.string().min(4).max(64) }) },
  responses: {
    200: json(consultationSchema, "the consultation"),
    404: errorResponse("no such consultation"),
    ...errorResponses,
  },
});

/** The consultation with absent values as null, as `codeploy experts ask --json` prints it. */
function toJson(c: Consultation) {
  return {
    ...c,
    answers: c.answers.map((a) => ({
      ...a,
      error: a.error ?? null,
      costUsd: a.costUsd ?? null,
      estimateUsd: a.estimateUsd ?? null,
    })),
    cost: { ...c.cost, budgetUsd: c.cost.budgetUsd ?? null },
  };
}

export function registerExpertsRoutes(app: OpenAPIHono<AppEnv>, deps: ServerDeps): void {
  app.openapi(askRoute, async (c) => {
    const service = serviceFor(deps, c.get("principal"), c);
    const consultation = await service.experts.ask(
      c.req.valid("json"),
      AbortSignal.any([c.req.raw.signal, deps.closing]),
    );
    return c.json(toJson(consultation), 200);
  });

  app.openapi(membersRoute, async (c) => {
    const service = serviceFor(deps, c.get("principal"), c);
    const answer = await service.experts.members({ probe: c.req.valid("query").probe !== "false" });
    return c.json(answer, 200);
  });

  app.openapi(historyRoute, async (c) => {
    const service = serviceFor(deps, c.get("principal"), c);
    const { limit } = c.req.valid("query");
    const consultations = await service.experts.history(limit !== undefined ? { limit } : {});
    return c.json({ consultations }, 200);
  });

  app.openapi(showRoute, async (c) => {
    const service = serviceFor(deps, c.get("principal"), c);
    return c.json(toJson(await service.experts.show(c.req.valid("param").id)), 200);
  });
}
