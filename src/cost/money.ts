/**
 * Money in whole cents: items are rounded to cents once and totals are sums of
 * integers, so the total always equals the sum of the printed items.
 */
export function toCents(usd: number): number {
  // EPSILON nudges values like 1.005 that binary floats store as 1.00499...
  return Math.round((usd + Number.EPSILON) * 100);
}

export function centsToUsd(cents: number): number {
  return cents / 100;
}

/** Rounds a quantity for display without float noise such as 1095.0000000002. */
export function roundQuantity(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** "$1,234.50" */
export function formatUsd(usd: number): string {
  return `$${usd.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** Rounds a converted unit price (per-second x 3600) to 8 decimals to drop float noise. */
export function roundPrice(value: number): number {
  return Math.round(value * 1e8) / 1e8;
}
