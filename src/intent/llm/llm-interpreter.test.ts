import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FakeLlmServer,
  type FakeReply,
  startFakeLlmServer,
} from "../../llm/__fixtures__/fake-llm-server.js";
import { createLlmClient, type LlmProviderKind } from "../../llm/index.js";
import { createLlmInterpreter } from "./llm-interpreter.js";

const SHOP = "deploy the shop with postgres 16 and 3 replicas on port 8080 to staging";
const GOOD = {
  name: "shop",
  environment: "staging",
  services: [
    {
      name: "web",
      kind: "web",
      image: "ghcr.io/acme/shop:1.0",
      port: 8080,
      replicas: 3,
      dependsOn: ["postgres"],
    },
  ],
  databases: [{ name: "postgres", engine: "postgres", version: "16" }],
};
const CONTRADICTS = {
  ...GOOD,
  environment: "production",
  services: [{ ...GOOD.services[0], replicas: 5, port: 80, dependsOn: ["postgres", "cache"] }],
  databases: [{ name: "postgres", engine: "postgres", version: "15" }],
  caches: [{ name: "cache", engine: "redis" }],
};
const BAD_KIND = { ...GOOD, services: [{ ...GOOD.services[0], kind: "webapp" }] };
const BAD_REF = { ...GOOD, services: [{ ...GOOD.services[0], dependsOn: ["nowhere"] }] };

const RENAMED = {
  name: "nginx",
  environment: "staging",
  services: [{ name: "web", kind: "web", image: "nginx:1.27", port: 80 }],
  databases: [{ name: "postgres", engine: "postgres", version: "16" }],
};

/** Per model: the replies in order (the last one repeats). */
const scripts: Record<string, FakeReply[]> = {
  valid: [{ object: GOOD, usage: { input: 1000, output: 200 } }],
  repaired: [{ object: BAD_KIND }, { object: GOOD }],
  "repaired-ref": [{ object: BAD_REF }, { object: GOOD }],
  contradicts: [{ object: CONTRADICTS }],
  invalid: [{ object: BAD_KIND }],
  silent: [{ fault: "hang" }],
  renamed: [{ object: RENAMED }],
};

let fake: FakeLlmServer;
const seen = new Map<string, number>();
beforeAll(async () => {
  fake = await startFakeLlmServer((req) => {
    const key = `${req.protocol}:${req.model}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    const script = scripts[req.model] ?? [{ text: "?" }];
    return script[Math.min(n, script.length - 1)] ?? { text: "?" };
  });
});
afterAll(() => fake.close());

const requestsOf = (provider: string, model: string) =>
  fake.requests.filter(
    (r) => r.model === model && (provider === "openai" ? r.protocol === "openai" : r.protocol === provider),
  );

describe.each(["ollama", "anthropic", "openai"] as const)(
  "LLM interpreter on a fake %s server",
  (provider) => {
    const interpreter = (model: string, deadlineMs = 5000) =>
      createLlmInterpreter({
        client: createLlmClient(
          {
            provider,
            model,
            baseUrl: provider === "openai" ? `${fake.baseUrl}/v1` : fake.baseUrl,
            apiKey: "sk-test-secret-123456789",
          },
          { maxRetries: 0 },
        ),
        mode: "llm",
        deadlineMs,
        price: { inputPerToken: 1e-6, outputPerToken: 2e-6, date: "test", source: "test" },
      });

    it("uses a valid answer, asked with structured output from the spec schema", async () => {
      const result = await interpreter("valid").interpret(SHOP);
      expect(result.interpreter).toBe(`llm:${provider}/valid`);
      expect(result.spec.services[0]?.image).toBe("ghcr.io/acme/shop:1.0");
      expect(result.spec.databases[0]?.version).toBe("16");
      expect(result.questions).toEqual([]);
      expect(result.usage).toMatchObject({ inputTokens: 1000, outputTokens: 200, calls: 1, costUsd: 0.0014 });
      const [req] = requestsOf(provider, "valid");
      expect(req?.structured).toBe(true);
      const wire = JSON.stringify(req?.body);
      expect(wire).toContain("databases");
      expect(wire).toContain(`<request>\\n${SHOP}\\n</request>`);
    });

    it("sends schema errors back and uses the repaired answer", async () => {
      const result = await interpreter("repaired").interpret(SHOP);
      expect(result.interpreter).toBe(`llm:${provider}/repaired`);
      expect(result.spec.services[0]?.kind).toBe("web");
      expect(result.usage?.calls).toBe(2);
      const second = JSON.stringify(requestsOf(provider, "repaired")[1]?.body);
      expect(second).toContain("does not satisfy the schema");
      expect(second).toContain("services.0.kind");
    });

    it("repairs a reference error the JSON schema cannot express", async () => {
      const result = await interpreter("repaired-ref").interpret(SHOP);
      expect(result.interpreter).toBe(`llm:${provider}/repaired-ref`);
      expect(JSON.stringify(requestsOf(provider, "repaired-ref")[1]?.body)).toContain("nowhere");
    });

    it("sets what contradicts the words back to the words and asks about additions", async () => {
      const result = await interpreter("contradicts").interpret(SHOP);
      expect(result.interpreter).toBe(`llm:${provider}/contradicts`);
      expect(result.spec.environment).toBe("staging");
      expect(result.spec.services[0]).toMatchObject({ replicas: 3, port: 8080, dependsOn: ["postgres"] });
      expect(result.spec.databases[0]?.version).toBe("16");
      expect(result.spec.caches).toEqual([]);
      expect(result.assumptions.join("\n")).toMatch(/replicas .* to 5; the words say 3/);
      expect(result.assumptions.join("\n")).toMatch(/environment to production; the words say staging/);
      expect(result.questions.join("\n")).toMatch(/added cache "cache" \(redis\)/);
    });

    it("holds the model to the action, the name and the negations the words say for sure", async () => {
      const text = "deploy nginx:1.27 as edge-proxy to staging, no database";
      const result = await interpreter("renamed").interpret(text);
      expect(result.spec.name).toBe("edge-proxy");
      expect(result.spec.databases).toEqual([]);
      expect(result.assumptions.join("\n")).toContain("edge-proxy");
      const rollback = await interpreter("valid").interpret("roll the shop back to revision 3");
      expect(rollback).toMatchObject({ action: "rollback", rollback: { revision: 3 } });
    });

    it("answers with the rules when the model stays invalid", async () => {
      const result = await interpreter("invalid").interpret(SHOP);
      expect(result.interpreter).toBe("rules");
      expect(result.assumptions[0]).toMatch(
        /^llm:.*invalid not used \(the model's spec is still invalid after 2 repair/,
      );
      expect(requestsOf(provider, "invalid")).toHaveLength(3);
      expect(result.usage?.calls).toBe(3);
    });

    it("answers with the rules when the model never answers", async () => {
      const result = await interpreter("silent", 300).interpret(SHOP);
      expect(result.interpreter).toBe("rules");
      expect(result.assumptions[0]).toMatch(/too slow/);
      expect(result.spec.services[0]?.replicas).toBe(3);
    });
  },
);

describe("LLM interpreter, hybrid and unreachable", () => {
  const client = (baseUrl: string, model = "valid") =>
    createLlmClient({ provider: "ollama" as LlmProviderKind, model, baseUrl }, { maxRetries: 0 });

  it("does not call the model when the rules are sure (hybrid)", async () => {
    const before = fake.requests.length;
    const result = await createLlmInterpreter({ client: client(fake.baseUrl) }).interpret(
      "deploy nginx with 3 replicas in production",
    );
    expect(result.interpreter).toBe("rules");
    expect(result.usage).toBeUndefined();
    expect(fake.requests.length).toBe(before);
  });

  it("calls the model when the rules leave questions (hybrid)", async () => {
    const result = await createLlmInterpreter({ client: client(fake.baseUrl) }).interpret(SHOP);
    expect(result.interpreter).toBe("llm:ollama/valid");
  });

  it("answers with the rules when the server is unreachable", async () => {
    const result = await createLlmInterpreter({
      client: client("http://127.0.0.1:9"),
      mode: "llm",
    }).interpret(SHOP);
    expect(result.interpreter).toBe("rules");
    expect(result.assumptions[0]).toMatch(/unreachable/);
  });

  it("refuses empty text like the rules do", async () => {
    await expect(
      createLlmInterpreter({ client: client(fake.baseUrl) }).interpret("  "),
    ).rejects.toMatchObject({
      code: "USAGE",
    });
  });
});
