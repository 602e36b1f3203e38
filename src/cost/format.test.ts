import { describe, expect, it } from "vitest";
import { richProd } from "./__fixtures__/specs.js";
import { estimateCost } from "./estimate.js";
import { formatEstimate } from "./format.js";
import { formatUsd } from "./money.js";

describe("formatEstimate", () => {
  it("prints one aligned line per item, the total and the assumptions", () => {
    const estimate = estimateCost(richProd());
    const lines = formatEstimate(estimate).split("\n");
    const itemLines = lines.slice(0, estimate.items.length);
    expect(itemLines[0]).toMatch(/^cluster\s+control-plane\s+EKS control plane\s+\$73\.00$/);
    // Amounts are right-aligned: every item line has the same length.
    expect(new Set(itemLines.map((l) => l.length)).size).toBe(1);
    expect(lines[estimate.items.length]).toBe(
      `total ${formatUsd(estimate.monthlyUsd)} a month (prices as of 2025-06-01)`,
    );
    expect(lines).toContain("assumptions:");
    expect(lines.at(-1)).toBe(`- ${estimate.assumptions.at(-1)}`);
  });
});
