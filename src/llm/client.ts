/**
 * The one LLM client. A thin fetch-based adapter per protocol rather than the
 * `ai` SDK: we need exact retry semantics (only 408/429/5xx, Retry-After
 * honoured within the deadline), cached and reasoning tokens in one shape for
 * every provider, and no SDK import on the CLI's start-up path.
 */
import { z } from "zod";
import { anthropicProtocol } from "./anthropic.js";
import { LlmError } from "./errors.js";
import { geminiProtocol } from "./gemini.js";
import { type HttpOptions, postJson } from "./http.js";
import { ollamaProtocol } from "./ollama.js";
import { openAiProtocol } from "./openai.js";
import type { Protocol, StructuredOutput, WireAnswer } from "./protocol.js";
import type {
  GenerateObjectRequest,
  GenerateObjectResult,
  GenerateTextRequest,
  GenerateTextResult,
  LlmClient,
  LlmProviderKind,
  ModelRef,
  Usage,
} from "./types.js";

export type LlmClientOptions = Pick<
  HttpOptions,
  "fetch" | "sleep" | "maxRetries" | "backoffMs" | "maxRetryAfterMs"
> & {
  /** @default Date.now */
  readonly now?: () => number;
  /** Called with every answered call's usage, also when its object then fails the schema (the tokens were spent). */
  readonly onUsage?: (ref: Omit<ModelRef, "apiKey">, usage: Usage) => void;
};

const PROTOCOLS: Record<LlmProviderKind, Protocol> = {
  anthropic: anthropicProtocol,
  openai: openAiProtocol(true),
  "openai-compatible": openAiProtocol(false),
  gemini: geminiProtocol,
  ollama: ollamaProtocol,
};

/** The JSON Schema sent to providers: `$schema` confuses some of them. */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: "output", unrepresentable: "any" });
  return rest;
}

/** Models wrap JSON in ``` fences often enough that refusing it would be pedantic. */
export function extractJson(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text);
  const candidate = (fenced?.[1] ?? text).trim();
  try {
    return JSON.parse(candidate);
  } catch (cause) {
    throw new LlmError("invalid-response", `the model did not answer with JSON: ${candidate.slice(0, 120)}`, {
      cause,
    });
  }
}

export function createLlmClient(ref: ModelRef, options: LlmClientOptions = {}): LlmClient {
  const protocol = PROTOCOLS[ref.provider];
  const now = options.now ?? Date.now;
  const { apiKey: _secret, ...shown } = ref;

  async function call(request: GenerateTextRequest, structured?: StructuredOutput) {
    const started = now();
    const wire = protocol.build(ref, request, structured);
    const response = await postJson(wire.url, wire.body, wire.headers, {
      ...options,
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
    });
    const answer: WireAnswer = protocol.parse(response.body);
    options.onUsage?.(shown, answer.usage);
    return {
      text: answer.text,
      usage: answer.usage,
      finishReason: answer.finishReason,
      model: answer.model ?? ref.model,
      latencyMs: now() - started,
      attempts: response.attempts,
    } satisfies GenerateTextResult;
  }

  return {
    ref: shown,
    generateText: (request) => call(request),
    async generateObject<T>(request: GenerateObjectRequest<T>): Promise<GenerateObjectResult<T>> {
      const structured = { name: request.schemaName ?? "result", jsonSchema: jsonSchemaOf(request.schema) };
      const result = await call(request, structured);
      const parsed = request.schema.safeParse(extractJson(result.text));
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
        throw new LlmError(
          "invalid-response",
          `the model's object does not match the schema: ${issues.join("; ")}`,
          {
            details: { text: result.text, issues },
          },
        );
      }
      return { ...result, object: parsed.data };
    },
  };
}
