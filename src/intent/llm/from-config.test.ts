import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config.js";
import { type FakeLlmServer, startFakeLlmServer } from "../../llm/__fixtures__/fake-llm-server.js";
import { interpreterFromConfig } from "./from-config.js";
import { interpretModeOf } from "./mode.js";

const config = (raw: object) => loadConfig({ env: {}, cwd: "/nonexistent" }).then((c) => ({ ...c, ...raw }));
const SHOP = "deploy the shop with postgres 16 and 3 replicas on port 8080 to staging";

let fake: FakeLlmServer;
beforeAll(async () => {
  fake = await startFakeLlmServer(() => ({
    object: {
      name: "shop",
      environment: "staging",
      services: [{ name: "web", kind: "web", image: "ghcr.io/acme/shop:1.0", port: 8080, replicas: 3 }],
      databases: [{ name: "postgres", engine: "postgres", version: "16" }],
    },
  }));
});
afterAll(() => fake.close());

describe("interpreter from codeploy.yaml", () => {
  it("picks the mode: flag, then CODEPLOY_INTERPRET, then config, then hybrid when a model exists", async () => {
    const none = await config({});
    expect(interpretModeOf(none, {}, {})).toBe("rules");
    expect(interpretModeOf(none, {}, { llm: true })).toBe("llm");
    expect(interpretModeOf(none, { CODEPLOY_INTERPRET: "llm" }, {})).toBe("llm");
    const withModel = await config({ llm: { maxRetries: 0, default: { provider: "ollama", model: "m" } } });
    expect(interpretModeOf(withModel, {}, {})).toBe("hybrid");
    expect(() => interpretModeOf(none, { CODEPLOY_INTERPRET: "magic" }, {})).toThrow(/not a mode/);
  });

  it("answers with the rules and says why when no model is configured", async () => {
    const result = await interpreterFromConfig(await config({}), {}, { llm: true }).interpret(SHOP);
    expect(result.interpreter).toBe("rules");
    expect(result.assumptions[0]).toMatch(/no model configured/);
  });

  it("answers with the rules when the key is missing", async () => {
    const c = await config({ llm: { maxRetries: 0, default: { provider: "anthropic", model: "claude-x" } } });
    const result = await interpreterFromConfig(c, {}, { llm: true }).interpret(SHOP);
    expect(result.assumptions[0]).toMatch(/missing key: set ANTHROPIC_API_KEY/);
  });

  it("uses an experts member named by --llm", async () => {
    const c = await config({
      experts: {
        ...(await config({})).experts,
        members: [{ name: "local", provider: "ollama", model: "m", baseUrl: fake.baseUrl }],
      },
    });
    const result = await interpreterFromConfig(c, {}, { llm: "local" }).interpret(SHOP);
    expect(result.interpreter).toBe("llm:ollama/m");
    expect(result.usage).toMatchObject({ model: "ollama/m", calls: 1 });
    expect(() => interpreterFromConfig(c, {}, { llm: "nobody" })).toThrow(/unknown model member: nobody/);
  });
});
