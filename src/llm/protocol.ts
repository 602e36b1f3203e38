/** What each wire protocol contributes: building the request and reading the answer. */
import type { FinishReason, GenerateTextRequest, ModelRef, Usage } from "./types.js";

export interface WireRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

export interface StructuredOutput {
  readonly name: string;
  /** JSON Schema of the wanted object. */
  readonly jsonSchema: Record<string, unknown>;
}

export interface WireAnswer {
  /** The text, or for structured output the JSON text of the object. */
  readonly text: string;
  readonly usage: Usage;
  readonly finishReason: FinishReason;
  readonly model: string | undefined;
}

export interface Protocol {
  build(ref: ModelRef, request: GenerateTextRequest, structured?: StructuredOutput): WireRequest;
  /** Throws LlmError("invalid-response") when the payload is not what the protocol promises. */
  parse(body: unknown): WireAnswer;
}

export function messagesOf(request: GenerateTextRequest): { role: "user" | "assistant"; content: string }[] {
  const list = [...(request.messages ?? [])];
  if (request.prompt !== undefined) list.push({ role: "user", content: request.prompt });
  return list;
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/** Reads a non-negative count from an untyped payload. */
export function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One header when the value is set, none otherwise. */
export function headerIf(name: string, value: string | undefined): Record<string, string> {
  return value ? { [name]: value } : {};
}
