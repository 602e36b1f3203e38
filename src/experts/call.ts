/**
 * One structured call to one member, through the response cache, with its
 * cost and a status that keeps the real cause of a failure.
 */
import type { z } from "zod";
import { costOf, estimateCost, LlmError, redactSecrets, type Usage, ZERO_USAGE } from "../llm/index.js";
import { cacheKey } from "./cache.js";
import type { AnswerStatus, ExpertMember, ResponseCache } from "./types.js";

export interface CallContext {
  readonly signal: AbortSignal;
  /** The caller's own signal (Ctrl-C, a closed request), to tell a cancellation from the deadline. */
  readonly cancelled?: AbortSignal;
  readonly timeoutMs: number;
  readonly maxOutputTokens: number;
  readonly cache: ResponseCache | undefined;
  readonly now: () => number;
}

export interface CallOutcome<T> {
  readonly status: AnswerStatus;
  readonly object: T | undefined;
  readonly model: string;
  readonly error: string | undefined;
  readonly latencyMs: number;
  readonly usage: Usage;
  readonly costUsd: number | undefined;
  readonly cached: boolean;
}

export interface StructuredPrompt<T> {
  readonly system: string;
  readonly prompt: string;
  readonly schema: z.ZodType<T>;
  readonly schemaName: string;
}

export function estimateCall(
  member: ExpertMember,
  p: { system: string; prompt: string },
  maxOutputTokens: number,
) {
  return estimateCost(`${p.system}\n${p.prompt}`, maxOutputTokens, member.price);
}

function failure(error: unknown, ctx: CallContext): { status: AnswerStatus; error: string } {
  if (ctx.cancelled?.aborted) return { status: "failed", error: "cancelled before it answered" };
  if (error instanceof LlmError && (error.kind === "timeout" || error.kind === "aborted"))
    return {
      status: "timeout",
      error: `no answer within the ${Math.round(ctx.timeoutMs / 100) / 10} s deadline`,
    };
  const message = error instanceof Error ? error.message : String(error);
  return { status: "failed", error: redactSecrets(message) };
}

export async function callMember<T>(
  member: ExpertMember,
  p: StructuredPrompt<T>,
  ctx: CallContext,
): Promise<CallOutcome<T>> {
  const started = ctx.now();
  const request = { system: p.system, prompt: p.prompt, maxOutputTokens: ctx.maxOutputTokens };
  const key = ctx.cache ? cacheKey(member.client, request, p.schemaName) : undefined;
  const hit = key ? await ctx.cache?.get(key) : undefined;
  const fromCache = hit ? p.schema.safeParse(hit.object) : undefined;
  if (hit && fromCache?.success)
    return {
      status: "ok",
      object: fromCache.data,
      model: hit.model,
      error: undefined,
      latencyMs: ctx.now() - started,
      usage: hit.usage,
      costUsd: 0,
      cached: true,
    };
  try {
    const result = await member.client.generateObject({
      ...request,
      schema: p.schema,
      schemaName: p.schemaName,
      signal: ctx.signal,
      timeoutMs: ctx.timeoutMs,
    });
    if (key)
      await ctx.cache?.set(key, {
        text: result.text,
        object: result.object,
        usage: result.usage,
        model: result.model,
      });
    return {
      status: "ok",
      object: result.object,
      model: result.model,
      error: undefined,
      latencyMs: ctx.now() - started,
      usage: result.usage,
      costUsd: costOf(result.usage, member.price),
      cached: false,
    };
  } catch (error) {
    // Providers bill no failed call; one cut at our deadline may be billed, but nobody reports its usage.
    return {
      ...failure(error, ctx),
      object: undefined,
      model: member.client.ref.model,
      latencyMs: ctx.now() - started,
      usage: ZERO_USAGE,
      costUsd: 0,
      cached: false,
    };
  }
}
