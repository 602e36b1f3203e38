import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type FakeLlmServer, type FakeReply, startFakeLlmServer } from "./__fixtures__/fake-llm-server.js";
import { createLlmClient } from "./client.js";
import { LlmError } from "./errors.js";
import { parseRetryAfter } from "./http.js";
import type { LlmProviderKind } from "./types.js";

const replies: Record<string, FakeReply> = {
  good: {
    text: "hello there",
    object: { answer: "yes", points: ["a", "b"] },
    usage: { input: 100, output: 40, cached: 30, reasoning: 8 },
  },
  tool: { object: { answer: "via tool", points: [] }, asToolCall: true },
  hang: { fault: "hang" },
  broken: { fault: "500" },
  limited: { fault: "429", failTimes: 1, retryAfterSeconds: 2, text: "after the wait" },
  "always-limited": { fault: "429", retryAfterSeconds: 120 },
  "bad-object": { object: { answer: 42 } },
};

let fake: FakeLlmServer;
beforeAll(async () => {
  fake = await startFakeLlmServer((req) => replies[req.model.split("@")[0] ?? ""] ?? { text: "?" });
});
afterAll(() => fake.close());

const baseOf = (p: LlmProviderKind) =>
  p === "openai-compatible" || p === "openai"
    ? `${fake.baseUrl}/v1`
    : p === "gemini"
      ? `${fake.baseUrl}/v1beta`
      : fake.baseUrl;

const noWait = (waits: number[]) => async (ms: number) => {
  waits.push(ms);
};

const answerSchema = z.object({ answer: z.string(), points: z.array(z.string()) });

describe.each(["openai", "openai-compatible", "anthropic", "gemini", "ollama"] as const)(
  "LLM client on a fake %s server",
  (provider) => {
    const client = (model: string, waits: number[] = []) =>
      createLlmClient(
        { provider, model, baseUrl: baseOf(provider), apiKey: "sk-test-secret-123456789" },
        { sleep: noWait(waits) },
      );

    it("returns the text and the usage in one shape", async () => {
      const result = await client("good").generateText({ system: "be brief", prompt: "hi" });
      expect(result.text).toBe("hello there");
      expect(result.usage.inputTokens).toBe(100);
      expect(result.usage.outputTokens).toBe(40);
      expect(result.usage.cachedInputTokens).toBe(provider === "ollama" ? 0 : 30);
      expect(result.usage.reasoningTokens).toBe(
        provider === "openai" || provider === "openai-compatible" || provider === "gemini" ? 8 : 0,
      );
      expect(result.finishReason).toBe("stop");
      expect(result.attempts).toBe(1);
    });

    it("returns a structured object checked against the zod schema", async () => {
      const result = await client("good").generateObject({ prompt: "hi", schema: answerSchema });
      expect(result.object).toEqual({ answer: "yes", points: ["a", "b"] });
      const sent = fake.requests.at(-1);
      expect(sent?.structured).toBe(true);
    });

    it("refuses an object that breaks the schema, naming the field", async () => {
      await expect(
        client("bad-object").generateObject({ prompt: "hi", schema: answerSchema }),
      ).rejects.toThrow(/answer: /);
    });

    it("retries a 429 after the Retry-After it asked for", async () => {
      const waits: number[] = [];
      const result = await client(`limited@${provider}`, waits).generateText({ prompt: "hi" });
      expect(result.text).toBe("after the wait");
      expect(result.attempts).toBe(2);
      expect(waits).toEqual([2000]);
    });

    it("gives up at once when Retry-After is beyond the deadline, with the real status", async () => {
      const error = await client("always-limited")
        .generateText({ prompt: "hi", timeoutMs: 5000 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LlmError);
      expect((error as LlmError).status).toBe(429);
    });

    it("reports a 500 with its status and message after the retries", async () => {
      const waits: number[] = [];
      const error = await client("broken", waits)
        .generateText({ prompt: "hi" })
        .catch((e: unknown) => e);
      expect((error as LlmError).status).toBe(500);
      expect((error as LlmError).message).toContain("internal error in the fake");
      expect(waits).toEqual([500, 1000]);
    });

    it("ends a hanging call at its deadline as a timeout", async () => {
      const error = await client("hang")
        .generateText({ prompt: "hi", timeoutMs: 150 })
        .catch((e: unknown) => e);
      expect((error as LlmError).kind).toBe("timeout");
    });

    it("stops when the caller aborts", async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const error = await client("hang")
        .generateText({ prompt: "hi", signal: controller.signal })
        .catch((e: unknown) => e);
      expect((error as LlmError).kind).toBe("aborted");
    });
  },
);

describe("LLM client details", () => {
  it("reads an OpenAI tool call as the structured answer", async () => {
    const c = createLlmClient({
      provider: "openai-compatible",
      model: "tool",
      baseUrl: `${fake.baseUrl}/v1`,
    });
    const result = await c.generateObject({ prompt: "hi", schema: answerSchema });
    expect(result.object.answer).toBe("via tool");
    expect(result.finishReason).toBe("tool");
  });

  it("sends the key in each protocol's own header and never shows it in the ref", async () => {
    const secret = "sk-test-secret-abcdefghijk";
    for (const provider of ["anthropic", "gemini", "openai"] as const) {
      const c = createLlmClient({ provider, model: "good", baseUrl: baseOf(provider), apiKey: secret });
      await c.generateText({ prompt: "hi" });
      expect(JSON.stringify(c.ref)).not.toContain(secret);
    }
    const headers = fake.requests.slice(-3).map((r) => r.headers);
    expect(headers[0]?.["x-api-key"]).toBe(secret);
    expect(headers[1]?.["x-goog-api-key"]).toBe(secret);
    expect(headers[2]?.authorization).toBe(`Bearer ${secret}`);
  });

  it("does not retry a 400", async () => {
    let calls = 0;
    const c = createLlmClient(
      { provider: "openai", model: "m" },
      {
        fetch: async () => {
          calls++;
          return new Response(JSON.stringify({ error: { message: "bad model" } }), { status: 400 });
        },
      },
    );
    await expect(c.generateText({ prompt: "x" })).rejects.toThrow("HTTP 400: bad model");
    expect(calls).toBe(1);
  });

  it("parses Retry-After as seconds or as an HTTP date", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(
      parseRetryAfter("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT")),
    ).toBe(10_000);
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
