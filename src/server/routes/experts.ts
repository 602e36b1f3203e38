/**
 * POST /v1/experts/ask: the Circle of Experts over HTTP. Consultations cost
 * money, so it needs the `interpret` permission (deployer or admin); answers
 * are cached and recorded in the server's state store like the CLI's.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { ExpertsConfig } from "../../core/config.js";
import { askCircle } from "../../experts/circle.js";
import { selectMembers } from "../../experts/members.js";
import { storeCache } from "../../experts/stores.js";
import type { Consultation, ExpertMember } from "../../experts/types.js";
import { costOf, type LlmClientOptions } from "../../llm/index.js";
import { lowerOnly } from "../../service/limits.js";
import { authorize } from "../auth/rbac.js";
import type { AppEnv, ServerDeps } from "../context.js";
import { errorResponses, json, jsonBody, secured } from "./common.js";

export interface ExpertsRouteOptions {
  readonly config: ExpertsConfig;
  /** Where apiKeyEnv values are read (the server's environment). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clientOptions?: LlmClientOptions;
}

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
const askResult = z
  .object({
    id: z.string(),
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

const askRoute = createRoute({
  method: "post",
  path: "/v1/experts/ask",
  tags: ["experts"],
  summary: "Ask the Circle of Experts: every member in parallel, their consensus, dissent and cost",
  security: secured,
  request: { body: jsonBody(askBody) },
  responses: { 200: json(askResult, "the consultation"), ...errorResponses },
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

export function registerExpertsRoutes(
  app: OpenAPIHono<AppEnv>,
  deps: Pick<ServerDeps, "store" | "closing" | "metrics">,
  options: ExpertsRouteOptions,
): void {
  app.openapi(askRoute, async (c) => {
    authorize(c.get("principal"), "interpret");
    const body = c.req.valid("json");
    // Checked before any member is called: a request may spend less than configured, never more.
    const budgetUsd = lowerOnly("budgetUsd", body.budgetUsd, options.config.budgetUsd, "experts.budgetUsd");
    const deadlineSeconds =
      lowerOnly(
        "deadlineSeconds",
        body.deadlineSeconds,
        options.config.deadlineSeconds,
        "experts.deadlineSeconds",
      ) ?? options.config.deadlineSeconds;
    // Every call (answers, review, chair) is counted in /metrics at the member's price.
    let members: ExpertMember[] = [];
    members = selectMembers(options.config, options.env, body.experts, {
      ...options.clientOptions,
      onUsage: (ref, usage) => {
        const member = members.find((m) => m.client.ref === ref);
        deps.metrics.observeLlmUsage({
          provider: ref.provider,
          model: ref.model,
          inputTokens: usage.inputTokens,
          outputTokens: usage.outputTokens,
          costUsd: costOf(usage, member?.price) ?? 0,
        });
      },
    });
    const consultation = await askCircle(body.question, {
      members,
      chair: options.config.chair,
      deadlineMs: deadlineSeconds * 1000,
      ...(budgetUsd !== undefined ? { budgetUsd } : {}),
      maxOutputTokens: options.config.maxOutputTokens,
      review: body.review === true,
      ...(body.cache === false ? {} : { cache: storeCache(deps.store.consultations) }),
      signal: AbortSignal.any([c.req.raw.signal, deps.closing]),
    });
    await deps.store.consultations.save({
      id: consultation.id,
      createdAt: consultation.createdAt,
      question: consultation.question,
      totalUsd: consultation.cost.totalUsd,
      record: consultation,
    });
    return c.json(toJson(consultation), 200);
  });
}
