/**
 * Cost of a call from its usage, and an estimate before sending. An unknown
 * model is "unpriced" (costUsd undefined), never silently $0.
 */
import { type ModelPrice, PRICE_TABLE } from "./prices-data.js";
import type { LlmProviderKind, Usage } from "./types.js";

/** Per-member override from codeploy.yaml, in USD per million tokens. */
export interface PriceOverride {
  readonly inputPerMTok: number;
  readonly outputPerMTok: number;
  readonly cachedInputPerMTok?: number;
}

export function priceOf(
  provider: LlmProviderKind,
  model: string,
  override?: PriceOverride,
  table: Readonly<Record<string, ModelPrice>> = PRICE_TABLE,
): ModelPrice | undefined {
  if (override)
    return {
      inputPerToken: override.inputPerMTok / 1e6,
      outputPerToken: override.outputPerMTok / 1e6,
      ...(override.cachedInputPerMTok !== undefined
        ? { cachedInputPerToken: override.cachedInputPerMTok / 1e6 }
        : {}),
      date: "configured",
      source: "codeploy.yaml",
    };
  // Dated model ids (claude-sonnet-4-5-20250929) share the undated entry's price.
  const undated = model.replace(/-\d{8}$/, "").replace(/-latest$/, "");
  return table[`${provider}/${model}`] ?? table[`${provider}/${undated}`] ?? table[`${provider}/*`];
}

/** USD of one call; undefined when the model is unpriced. */
export function costOf(usage: Usage, price: ModelPrice | undefined): number | undefined {
  if (!price) return undefined;
  const cached = Math.min(usage.cachedInputTokens, usage.inputTokens);
  const fresh = usage.inputTokens - cached;
  const usd =
    fresh * price.inputPerToken +
    cached * (price.cachedInputPerToken ?? price.inputPerToken) +
    usage.outputTokens * price.outputPerToken;
  return roundUsd(usd);
}

/** Rough token count of text (about four characters a token): enough for a budget check. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The most a call can cost: its prompt, and every output token it may write. */
export function estimateCost(
  promptText: string,
  maxOutputTokens: number,
  price: ModelPrice | undefined,
): number | undefined {
  return costOf(
    {
      inputTokens: estimateTokens(promptText),
      outputTokens: maxOutputTokens,
      cachedInputTokens: 0,
      reasoningTokens: 0,
    },
    price,
  );
}

export function roundUsd(usd: number): number {
  return Math.round(usd * 1e8) / 1e8;
}
