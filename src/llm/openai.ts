/**
 * OpenAI chat completions (`/chat/completions`), which OpenAI itself, Groq,
 * DeepSeek, OpenRouter, LocalAI and vLLM all serve. Structured output uses
 * `response_format: json_schema`; an answer that comes back as a tool call is
 * read from its arguments.
 */
import { LlmError } from "./errors.js";
import { count, headerIf, isRecord, messagesOf, type Protocol, trimSlash } from "./protocol.js";
import type { FinishReason } from "./types.js";

const FINISH: Record<string, FinishReason> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool",
  function_call: "tool",
  content_filter: "content-filter",
};

function choiceText(message: Record<string, unknown>): string | undefined {
  if (typeof message.content === "string" && message.content.length > 0) return message.content;
  const calls = message.tool_calls;
  if (Array.isArray(calls) && isRecord(calls[0]) && isRecord(calls[0].function)) {
    const args = calls[0].function.arguments;
    if (typeof args === "string") return args;
  }
  return typeof message.content === "string" ? message.content : undefined;
}

export function openAiProtocol(official: boolean): Protocol {
  return {
    build(ref, request, structured) {
      const system = request.system === undefined ? [] : [{ role: "system", content: request.system }];
      const limit = request.maxOutputTokens ?? 1024;
      return {
        url: `${trimSlash(ref.baseUrl ?? "https://api.openai.com/v1")}/chat/completions`,
        headers: headerIf("authorization", ref.apiKey && `Bearer ${ref.apiKey}`),
        body: {
          model: ref.model,
          messages: [...system, ...messagesOf(request)],
          // OpenAI's reasoning models refuse max_tokens; compatible servers mostly know only max_tokens.
          ...(official ? { max_completion_tokens: limit } : { max_tokens: limit }),
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          ...(structured
            ? {
                response_format: {
                  type: "json_schema",
                  json_schema: { name: structured.name, schema: structured.jsonSchema, strict: false },
                },
              }
            : {}),
        },
      };
    },
    parse(body) {
      const choice = isRecord(body) && Array.isArray(body.choices) ? body.choices[0] : undefined;
      const message = isRecord(choice) && isRecord(choice.message) ? choice.message : undefined;
      const text = message ? choiceText(message) : undefined;
      if (!isRecord(body) || !isRecord(choice) || text === undefined)
        throw new LlmError("invalid-response", "chat completion without choices[0].message");
      const usage = isRecord(body.usage) ? body.usage : {};
      const inDetails = isRecord(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
      const outDetails = isRecord(usage.completion_tokens_details) ? usage.completion_tokens_details : {};
      return {
        text,
        usage: {
          inputTokens: count(usage.prompt_tokens),
          outputTokens: count(usage.completion_tokens),
          cachedInputTokens: count(inDetails.cached_tokens),
          reasoningTokens: count(outDetails.reasoning_tokens),
        },
        finishReason: FINISH[String(choice.finish_reason)] ?? "other",
        model: typeof body.model === "string" ? body.model : undefined,
      };
    },
  };
}
