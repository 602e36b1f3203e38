/** The public shapes of the cost estimate and the price catalog. */
import type { CloudName } from "../spec/index.js";

export const COST_KINDS = [
  "compute",
  "control-plane",
  "nodes",
  "database",
  "cache",
  "queue",
  "bucket",
  "storage",
  "load-balancer",
  "network",
  "monitoring",
  "backup",
] as const;

export type CostKind = (typeof COST_KINDS)[number];

/** One priced line of an estimate: `monthlyUsd` is `quantity * unitPriceUsd` rounded to cents. */
export interface CostItem {
  /** The spec component this line belongs to (`web`, `postgres`), or `cluster` / `app` for shared parts. */
  component: string;
  kind: CostKind;
  description: string;
  quantity: number;
  unit: string;
  unitPriceUsd: number;
  monthlyUsd: number;
  /** The catalog entry the unit price comes from. */
  priceId: string;
}

export interface CostEstimate {
  /** Sum of the items' `monthlyUsd`, exact to the cent. */
  monthlyUsd: number;
  currency: "USD";
  items: CostItem[];
  /** Every default and simplification the estimate used, in words. */
  assumptions: string[];
  /** The newest `date` among the catalog's entries (yyyy-mm-dd). */
  catalogDate: string;
}

export interface PriceEntry {
  /** `${cloud}:${region}:${sku}`, unique within a catalog. */
  id: string;
  cloud: CloudName;
  region: string;
  /** What is sold, in the provider's words (product, size, tier). */
  service: string;
  /** Billing unit, such as `instance-hour`, `vCPU-second`, `GB-month`, `million requests`. */
  unit: string;
  priceUsd: number;
  /** The official pricing page the price was taken from. */
  source: string;
  /** When the price was taken (yyyy-mm-dd). */
  date: string;
  notes?: string;
  /** What kind of cost line this price feeds (additive to the contract: lets tests check coverage). */
  kind: CostKind;
}

export interface PriceCatalog {
  version: string;
  currency: "USD";
  entries: readonly PriceEntry[];
}

export interface EstimateOptions {
  /** Prices to use. @default defaultCatalog */
  readonly catalog?: PriceCatalog;
  /** Hours billed per month. @default 730 */
  readonly hoursPerMonth?: number;
}
