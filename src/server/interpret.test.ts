/**
 * Words through the server use the interpreter codeploy.yaml configures (here
 * a model on a fake Ollama server): /v1/interpret, /v1/plan and
 * /v1/deployments answer with its spec, report its usage, record it with the
 * revision and count its tokens and cost in /metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../core/config.js";
import { interpreterFromConfig } from "../intent/llm/index.js";
import { type FakeLlmServer, startFakeLlmServer } from "../llm/__fixtures__/fake-llm-server.js";
import { type Harness, keyFor, startHarness } from "./__fixtures__/harness.js";

const SHOP = "deploy the shop with postgres 16 and 3 replicas on port 8080 to staging";
const MODEL_SPEC = {
  name: "shop",
  environment: "staging",
  services: [
    {
      name: "web",
      kind: "web",
      image: "ghcr.io/acme/shop:2.0",
      port: 8080,
      replicas: 3,
      dependsOn: ["postgres"],
    },
  ],
  databases: [{ name: "postgres", engine: "postgres", version: "16" }],
};

let fake: FakeLlmServer;
let h: Harness;
let deployer: string;

beforeAll(async () => {
  fake = await startFakeLlmServer(() => ({ object: MODEL_SPEC, usage: { input: 2000, output: 500 } }));
  const config = configSchema.parse({
    interpret: { mode: "llm" },
    llm: {
      default: {
        provider: "ollama",
        model: "shop-model",
        baseUrl: fake.baseUrl,
        price: { inputPerMTok: 3, outputPerMTok: 15 },
      },
    },
  });
  h = await startHarness({ interpreter: interpreterFromConfig(config, {}, {}, { maxRetries: 0 }) });
  deployer = await keyFor(h.store, "ci", "deployer");
});
afterAll(async () => {
  await h.close();
  await fake.close();
});

const USAGE = { model: "ollama/shop-model", calls: 1, inputTokens: 2000, outputTokens: 500, costUsd: 0.0135 };

describe("the configured model behind the API (fake Ollama server)", () => {
  it("POST /v1/interpret answers with the model's spec and its usage", async () => {
    const res = await h.request("/v1/interpret", { method: "POST", token: deployer, json: { text: SHOP } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { interpreter: string; spec: typeof MODEL_SPEC; usage: unknown };
    expect(body.interpreter).toBe("llm:ollama/shop-model");
    expect(body.spec.services[0]?.image).toBe("ghcr.io/acme/shop:2.0");
    expect(body.usage).toEqual(USAGE);
  });

  it("POST /v1/plan with words says which interpreter answered", async () => {
    const res = await h.request("/v1/plan", { method: "POST", token: deployer, json: { text: SHOP } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ interpreter: "llm:ollama/shop-model", usage: USAGE });
  });

  it("POST /v1/deployments records the interpreter and its usage with the revision", async () => {
    const res = await h.request("/v1/deployments", {
      method: "POST",
      token: deployer,
      json: { text: SHOP, acceptRisk: true },
    });
    expect(res.status).toBe(202);
    await h.api.runs.idle();
    const history = await h.request("/v1/apps/shop/environments/staging/history", { token: deployer });
    const body = (await history.json()) as { revisions: unknown[] };
    expect(body.revisions[0]).toMatchObject({
      request: SHOP,
      interpreter: "llm:ollama/shop-model",
      interpretUsage: USAGE,
    });
  });

  it("counts every call's tokens and cost in /metrics", async () => {
    const text = await (await h.request("/metrics")).text();
    const labels = 'provider="ollama",model="shop-model"';
    expect(text).toContain(`codeploy_llm_tokens_total{${labels},kind="input"} 6000`);
    expect(text).toContain(`codeploy_llm_tokens_total{${labels},kind="output"} 1500`);
    expect(text).toMatch(new RegExp(`codeploy_llm_cost_usd_total\\{${labels}\\} 0\\.0405`));
  });
});
