/**
 * The one LLM client's vocabulary: which API a model speaks, what a request
 * and an answer look like, and usage in one shape whatever the provider.
 */
import type { z } from "zod";

/** The wire protocol: `openai-compatible` covers Groq, DeepSeek, OpenRouter, LocalAI, vLLM. */
export type LlmProviderKind = "anthropic" | "openai" | "openai-compatible" | "gemini" | "ollama";

export const LLM_PROVIDER_KINDS = [
  "anthropic",
  "openai",
  "openai-compatible",
  "gemini",
  "ollama",
] as const satisfies readonly LlmProviderKind[];

export interface ModelRef {
  readonly provider: LlmProviderKind;
  readonly model: string;
  /** API root, e.g. `http://127.0.0.1:11434` or `https://api.groq.com/openai/v1`. @default the provider's public endpoint */
  readonly baseUrl?: string;
  /** The key itself (already read from the environment at the edge); never logged. */
  readonly apiKey?: string;
}

/** Tokens of one call; `cached` and `reasoning` are 0 when the provider does not report them. */
export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cachedInputTokens: number;
  readonly reasoningTokens: number;
}

export const ZERO_USAGE: Usage = {
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  reasoningTokens: 0,
};

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
  };
}

export interface ChatMessage {
  readonly role: "user" | "assistant";
  readonly content: string;
}

export interface GenerateTextRequest {
  readonly system?: string;
  /** Shorthand for one user message. */
  readonly prompt?: string;
  readonly messages?: readonly ChatMessage[];
  /** @default 1024 */
  readonly maxOutputTokens?: number;
  readonly temperature?: number;
  /** Cancels the call (and its retries). */
  readonly signal?: AbortSignal;
  /** Deadline of the whole call, retries included. @default none */
  readonly timeoutMs?: number;
}

export interface GenerateObjectRequest<T> extends GenerateTextRequest {
  readonly schema: z.ZodType<T>;
  /** Name of the structured output (tool / json_schema name). @default "result" */
  readonly schemaName?: string;
}

export type FinishReason = "stop" | "length" | "tool" | "content-filter" | "other";

export interface GenerateTextResult {
  readonly text: string;
  readonly usage: Usage;
  readonly finishReason: FinishReason;
  /** The model the server says it ran. */
  readonly model: string;
  readonly latencyMs: number;
  /** HTTP attempts made (1 without retries). */
  readonly attempts: number;
}

export interface GenerateObjectResult<T> extends Omit<GenerateTextResult, "text"> {
  readonly object: T;
  /** The raw JSON text the model produced. */
  readonly text: string;
}

/** One model behind one protocol: what the rest of the project calls. */
export interface LlmClient {
  readonly ref: Omit<ModelRef, "apiKey">;
  generateText(request: GenerateTextRequest): Promise<GenerateTextResult>;
  generateObject<T>(request: GenerateObjectRequest<T>): Promise<GenerateObjectResult<T>>;
}
