/** The exact-match response cache: an in-memory default; the state store keeps it across runs. */
import { createHash } from "node:crypto";
import type { GenerateTextRequest, LlmClient } from "../llm/index.js";
import type { CachedResponse, ResponseCache } from "./types.js";

/** Same model, endpoint and request (system, prompt, limits, schema) -> same key. */
export function cacheKey(client: LlmClient, request: GenerateTextRequest, schemaName?: string): string {
  const material = JSON.stringify({
    provider: client.ref.provider,
    model: client.ref.model,
    baseUrl: client.ref.baseUrl ?? null,
    system: request.system ?? null,
    prompt: request.prompt ?? null,
    messages: request.messages ?? null,
    maxOutputTokens: request.maxOutputTokens ?? null,
    temperature: request.temperature ?? null,
    schema: schemaName ?? null,
  });
  return createHash("sha256").update(material).digest("hex");
}

export function memoryCache(): ResponseCache {
  const entries = new Map<string, CachedResponse>();
  return {
    get: async (key) => entries.get(key),
    set: async (key, value) => {
      entries.set(key, value);
    },
  };
}
