import { describe, expect, it } from "vitest";
import { costOf, estimateCost, priceOf } from "./prices.js";
import { PRICE_TABLE } from "./prices-data.js";

describe("price table", () => {
  it("dates every entry and prices per token", () => {
    for (const [key, price] of Object.entries(PRICE_TABLE)) {
      expect(price.date, key).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(price.inputPerToken, key).toBeLessThan(0.001);
    }
  });

  it("costs input, cached input and output at their own rates", () => {
    const price = priceOf("anthropic", "claude-sonnet-4-5-20250929");
    const usd = costOf(
      { inputTokens: 1_000_000, outputTokens: 100_000, cachedInputTokens: 500_000, reasoningTokens: 0 },
      price,
    );
    expect(usd).toBeCloseTo(0.5 * 3 + 0.5 * 0.3 + 0.1 * 15, 6);
  });

  it("flags an unknown model as unpriced instead of $0", () => {
    expect(priceOf("openai-compatible", "mystery-model")).toBeUndefined();
    expect(
      costOf({ inputTokens: 5, outputTokens: 5, cachedInputTokens: 0, reasoningTokens: 0 }, undefined),
    ).toBeUndefined();
    expect(estimateCost("hello", 100, undefined)).toBeUndefined();
  });

  it("lets a member's override win over the table", () => {
    const price = priceOf("openai", "gpt-4o", { inputPerMTok: 1, outputPerMTok: 2 });
    expect(
      costOf({ inputTokens: 1e6, outputTokens: 1e6, cachedInputTokens: 0, reasoningTokens: 0 }, price),
    ).toBe(3);
  });
});
