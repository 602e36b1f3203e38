import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OpenAPIHono } from "@hono/zod-openapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../../core/config.js";
import { type FakeLlmServer, startFakeLlmServer } from "../../llm/__fixtures__/fake-llm-server.js";
import { openStateStore } from "../../state/index.js";
import type { StateStore } from "../../state/types.js";
import type { AppEnv } from "../context.js";
import { errorAnswer } from "../errors.js";
import { createServerMetrics } from "../metrics.js";
import { registerExpertsRoutes } from "./experts.js";

let fake: FakeLlmServer;
let store: StateStore;
beforeAll(async () => {
  fake = await startFakeLlmServer(() => ({
    object: { answer: "Use Postgres.", points: ["Use Postgres"] },
    usage: { input: 1200, output: 300 },
  }));
  store = await openStateStore({ home: mkdtempSync(join(tmpdir(), "codeploy-route-")) });
});
afterAll(async () => {
  await fake.close();
  await store.close();
});

const metrics = createServerMetrics({ defaultMetrics: false });

function appFor(role: "viewer" | "deployer", limits: { budgetUsd?: number; deadlineSeconds?: number } = {}) {
  const app = new OpenAPIHono<AppEnv>();
  app.use(async (c, next) => {
    c.set("principal", { id: "key:t", actor: "t", kind: "api-key", role, environments: undefined });
    await next();
  });
  app.onError((error, c) => {
    const answer = errorAnswer(error);
    return c.json(answer.body, answer.status);
  });
  const config = configSchema.parse({
    experts: {
      members: [
        {
          name: "local",
          provider: "ollama",
          model: "llama3.1",
          baseUrl: fake.baseUrl,
          price: { inputPerMTok: 1, outputPerMTok: 2 },
        },
      ],
      ...limits,
    },
  }).experts;
  registerExpertsRoutes(app, { store, metrics, closing: new AbortController().signal }, { config, env: {} });
  return app;
}

const ask = (
  role: "viewer" | "deployer",
  body: unknown,
  limits: { budgetUsd?: number; deadlineSeconds?: number } = {},
) =>
  appFor(role, limits).request("/v1/experts/ask", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("POST /v1/experts/ask (fake Ollama server)", () => {
  it("answers with the consultation and records it", async () => {
    const res = await ask("deployer", { question: "Which database?" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      answers: { status: string; costUsd: number }[];
      consensus: { method: string };
    };
    expect(body.answers[0]?.status).toBe("ok");
    expect(body.answers[0]?.costUsd).toBeCloseTo(0.0018, 10);
    expect(body.consensus.method).toBe("deterministic");
    expect((await store.consultations.list()).map((c) => c.question)).toContain("Which database?");
  });

  it("counts the calls' tokens and cost in /metrics", async () => {
    const before = await metrics.registry.getSingleMetricAsString("codeploy_llm_tokens_total");
    const res = await ask("deployer", { question: "Which cache?", cache: false });
    expect(res.status).toBe(200);
    const tokens = await metrics.registry.getSingleMetricAsString("codeploy_llm_tokens_total");
    const cost = await metrics.registry.getSingleMetricAsString("codeploy_llm_cost_usd_total");
    const value = (text: string, labels: string) =>
      Number(text.match(new RegExp(`\\{${labels}\\} ([0-9.e-]+)`))?.[1] ?? 0);
    const input = 'provider="ollama",model="llama3.1",kind="input"';
    expect(value(tokens, input) - value(before, input)).toBe(1200);
    expect(value(tokens, 'provider="ollama",model="llama3.1",kind="output"')).toBeGreaterThanOrEqual(300);
    expect(value(cost, 'provider="ollama",model="llama3.1"')).toBeGreaterThan(0);
  });

  it("refuses a viewer and an unknown expert", async () => {
    expect((await ask("viewer", { question: "q" })).status).toBe(403);
    const unknown = await ask("deployer", { question: "q", experts: ["nobody"] });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(await unknown.json())).toContain("unknown expert: nobody");
  });

  it("lets a request lower the configured budget and deadline, never raise them (400 naming the ceiling)", async () => {
    const limits = { budgetUsd: 0.05, deadlineSeconds: 20 };
    const budget = await ask("deployer", { question: "Which queue?", budgetUsd: 5 }, limits);
    expect(budget.status).toBe(400);
    const body = (await budget.json()) as { error: { code: string; message: string; details: unknown } };
    expect(body.error.code).toBe("LIMIT_EXCEEDED");
    expect(body.error.message).toContain("0.05");
    expect(body.error.details).toMatchObject({
      field: "budgetUsd",
      limit: 0.05,
      setting: "experts.budgetUsd",
    });
    const deadline = await ask("deployer", { question: "Which queue?", deadlineSeconds: 600 }, limits);
    expect(deadline.status).toBe(400);
    expect(JSON.stringify(await deadline.json())).toContain("limit of 20");
    const lower = await ask(
      "deployer",
      { question: "Which queue?", budgetUsd: 0.04, deadlineSeconds: 10, cache: false },
      limits,
    );
    expect(lower.status).toBe(200);
    expect(((await lower.json()) as { cost: { budgetUsd: number } }).cost.budgetUsd).toBe(0.04);
    // Without a configured budget there is no ceiling to exceed.
    expect((await ask("deployer", { question: "Which queue?", budgetUsd: 5, cache: false })).status).toBe(
      200,
    );
  });
});
