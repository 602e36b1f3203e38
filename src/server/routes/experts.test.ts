import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../../core/config.js";
import { type FakeLlmServer, startFakeLlmServer } from "../../llm/__fixtures__/fake-llm-server.js";
import { openStateStore } from "../../state/index.js";
import type { StateStore } from "../../state/types.js";
import { httpServiceOf, keyFor, type RoleName, serverConfig } from "../__fixtures__/harness.js";
import { type CodeployApp, createApp } from "../app.js";
import { silentLogger } from "../logger.js";
import { createServerMetrics } from "../metrics.js";

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
const tokens: Partial<Record<RoleName, string>> = {};
const apps: CodeployApp[] = [];
afterAll(async () => {
  for (const api of apps) {
    await api.shutdown(0);
    await api.close();
  }
});

/** The whole app (auth, RBAC, error mapping) on the shared store, with the experts' limits given. */
async function appFor(limits: { budgetUsd?: number; deadlineSeconds?: number } = {}) {
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
  const api = createApp({
    store,
    metrics,
    logger: silentLogger,
    config: serverConfig({ planWorkers: 0 }),
    experts: { config, env: {} },
  });
  apps.push(api);
  return api;
}

async function tokenOf(role: RoleName): Promise<string> {
  tokens[role] ??= await keyFor(store, `experts-${role}`, role);
  return tokens[role];
}

const call = async (role: RoleName, path: string, init: RequestInit = {}, limits = {}) =>
  (await appFor(limits)).app.request(path, {
    ...init,
    headers: { ...init.headers, authorization: `Bearer ${await tokenOf(role)}` },
  });

const ask = (
  role: "viewer" | "deployer",
  body: unknown,
  limits: { budgetUsd?: number; deadlineSeconds?: number } = {},
) =>
  call(
    role,
    "/v1/experts/ask",
    { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
    limits,
  );

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

  it("lists the members, the history and one consultation, through the HTTP service as the CLI sees them", async () => {
    const members = await call("deployer", "/v1/experts?probe=false");
    expect(members.status).toBe(200);
    expect(await members.json()).toEqual({
      members: [
        {
          name: "local",
          provider: "ollama",
          model: "llama3.1",
          baseUrl: fake.baseUrl,
          usable: true,
          reason: null,
          priced: true,
        },
      ],
      chair: [],
    });
    expect((await call("viewer", "/v1/experts?probe=false")).status).toBe(403);

    const api = await appFor();
    const service = httpServiceOf(api.app, await tokenOf("deployer"));
    const asked = await service.experts.ask({ question: "Which backup tool?", cache: false });
    const history = await service.experts.history({ limit: 100 });
    expect(history.find((c) => c.id === asked.id)).toMatchObject({ question: "Which backup tool?" });
    const shown = await service.experts.show(asked.id.slice(0, 8));
    expect(shown.answers[0]?.text).toBe(asked.answers[0]?.text);
    const missing = await service.experts.show("ffffffff").catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: "NOT_FOUND" });
    expect((await call("viewer", "/v1/experts/consultations")).status).toBe(403);
  });
});
