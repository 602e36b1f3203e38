/**
 * Anthropic messages (`/v1/messages`). Structured output is a forced tool
 * call whose input schema is the wanted object: the most reliable way the
 * API offers.
 */
import { LlmError } from "./errors.js";
import { count, isRecord, messagesOf, type Protocol, trimSlash } from "./protocol.js";
import type { FinishReason } from "./types.js";

const FINISH: Record<string, FinishReason> = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  tool_use: "tool",
  refusal: "content-filter",
};

function contentText(content: unknown[]): string | undefined {
  const tool = content.find((b) => isRecord(b) && b.type === "tool_use");
  if (isRecord(tool)) return JSON.stringify(tool.input ?? {});
  const texts = content.filter((b) => isRecord(b) && b.type === "text" && typeof b.text === "string");
  return texts.length === 0 ? undefined : texts.map((b) => (isRecord(b) ? String(b.text) : "")).join("");
}

export const anthropicProtocol: Protocol = {
  build(ref, request, structured) {
    return {
      url: `${trimSlash(ref.baseUrl ?? "https://api.anthropic.com")}/v1/messages`,
      headers: {
        "anthropic-version": "2023-06-01",
        ...(ref.apiKey ? { "x-api-key": ref.apiKey } : {}),
      },
      body: {
        model: ref.model,
        max_tokens: request.maxOutputTokens ?? 1024,
        ...(request.system !== undefined ? { system: request.system } : {}),
        messages: messagesOf(request),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        ...(structured
          ? {
              tools: [
                {
                  name: structured.name,
                  description: "Give the answer as this structured object.",
                  input_schema: structured.jsonSchema,
                },
              ],
              tool_choice: { type: "tool", name: structured.name },
            }
          : {}),
      },
    };
  },
  parse(body) {
    const content = isRecord(body) && Array.isArray(body.content) ? body.content : undefined;
    const text = content ? contentText(content) : undefined;
    if (!isRecord(body) || text === undefined)
      throw new LlmError("invalid-response", "message without text or tool_use content");
    const usage = isRecord(body.usage) ? body.usage : {};
    const cacheRead = count(usage.cache_read_input_tokens);
    return {
      text,
      usage: {
        // Anthropic counts cached and newly cached input apart from input_tokens; one total here.
        inputTokens: count(usage.input_tokens) + cacheRead + count(usage.cache_creation_input_tokens),
        outputTokens: count(usage.output_tokens),
        cachedInputTokens: cacheRead,
        reasoningTokens: 0,
      },
      finishReason: FINISH[String(body.stop_reason)] ?? "other",
      model: typeof body.model === "string" ? body.model : undefined,
    };
  },
};
