/** A plain-text table of an estimate for the CLI and logs: one line per item, then total and assumptions. */
import { formatUsd } from "./money.js";
import type { CostEstimate } from "./types.js";

export function formatEstimate(estimate: CostEstimate): string {
  const rows = estimate.items.map((item) => [
    item.component,
    item.kind,
    item.description,
    formatUsd(item.monthlyUsd),
  ]);
  const widths = [0, 1, 2, 3].map((col) => Math.max(0, ...rows.map((r) => r[col]?.length ?? 0)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, col) => (col === 3 ? cell.padStart(widths[col] ?? 0) : cell.padEnd(widths[col] ?? 0)))
      .join("  ")
      .trimEnd();
  const total = `total ${formatUsd(estimate.monthlyUsd)} a month (prices as of ${estimate.catalogDate})`;
  const notes = estimate.assumptions.map((a) => `- ${a}`);
  return [...rows.map(line), total, "assumptions:", ...notes].join("\n");
}
