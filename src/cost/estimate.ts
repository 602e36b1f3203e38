/**
 * The monthly cost estimate of a DeploymentSpec: every component priced from
 * the catalog, each line rounded to cents, the total their exact sum, and the
 * assumptions written out. Pure: same spec and catalog, same estimate.
 */
import type { DeploymentSpec } from "../spec/index.js";
import { CATALOG_VERSION, defaultCatalog, indexCatalog } from "./catalog.js";
import { kubernetesItems, serverlessItems } from "./compute.js";
import { createContext, type PricingContext } from "./context.js";
import { cacheItems, databaseItems } from "./databases.js";
import { CostInputError } from "./errors.js";
import { bucketItems, loadBalancerItems, monitoringItems, natItems, queueItems } from "./extras.js";
import { formatUsd, toCents } from "./money.js";
import type { CostEstimate, CostItem, EstimateOptions, PriceCatalog } from "./types.js";
import { volumeItems } from "./volumes.js";
import { buildWorkloads } from "./workloads.js";

export const DEFAULT_HOURS_PER_MONTH = 730;
export const FREE_NOTE = "runs on your own machine: no cloud charges";

function checkHours(hours: number): number {
  if (!Number.isFinite(hours) || hours <= 0 || hours > 744) {
    throw new CostInputError(`hoursPerMonth must be between 0 and 744, got ${hours}`, {
      hint: "leave hoursPerMonth out to use 730 (the average month)",
    });
  }
  return hours;
}

function generalAssumptions(catalog: PriceCatalog, hours: number, date: string): string[] {
  const version = catalog === defaultCatalog ? CATALOG_VERSION : catalog.version;
  return [
    `list prices in USD from price catalog ${version} (prices as of ${date}): on-demand, no discounts, ` +
      "savings plans or reservations; taxes not included",
    `${hours} hours in a month`,
    "data transfer, egress and per-request charges not included unless listed",
  ];
}

function computeLines(ctx: PricingContext): CostItem[] {
  const workloads = buildWorkloads(ctx);
  if (ctx.spec.target === "kubernetes") return [...kubernetesItems(ctx, workloads), ...natItems(ctx)];
  // Without containers there is nothing to run and no private subnet needing NAT.
  if (workloads.length === 0) return [];
  return [...serverlessItems(ctx, workloads), ...natItems(ctx)];
}

/** Prices a spec for one month. Docker targets and the local cloud cost $0. */
export function estimateCost(spec: DeploymentSpec, options: EstimateOptions = {}): CostEstimate {
  const catalog = options.catalog ?? defaultCatalog;
  const hours = checkHours(options.hoursPerMonth ?? DEFAULT_HOURS_PER_MONTH);
  const catalogDate = indexCatalog(catalog).newestDate;
  if (spec.target === "docker" || spec.cloud === "local") {
    const where = spec.target === "docker" ? "target docker" : "cloud local";
    return { monthlyUsd: 0, currency: "USD", items: [], assumptions: [`${where} ${FREE_NOTE}`], catalogDate };
  }
  const ctx = createContext(spec, spec.cloud, catalog, hours);
  const items = [
    ...computeLines(ctx),
    ...loadBalancerItems(ctx),
    ...databaseItems(ctx),
    ...cacheItems(ctx),
    ...queueItems(ctx),
    ...bucketItems(ctx),
    ...volumeItems(ctx),
    ...monitoringItems(ctx),
  ];
  const cents = items.reduce((sum, item) => sum + toCents(item.monthlyUsd), 0);
  return {
    monthlyUsd: cents / 100,
    currency: "USD",
    items,
    assumptions: [...generalAssumptions(catalog, hours, catalogDate), ...ctx.assumptions],
    catalogDate,
  };
}

export interface BudgetCheck {
  readonly budgetUsd: number;
  readonly monthlyUsd: number;
  /** Positive when the estimate is over budget, to the cent. */
  readonly overByUsd: number;
  readonly exceeded: boolean;
  readonly message: string;
}

/** How the estimate compares with the spec's budget; undefined without a budget. The finding is policy's. */
export function checkBudget(spec: DeploymentSpec, estimate: CostEstimate): BudgetCheck | undefined {
  if (!spec.budget) return undefined;
  const budgetUsd = spec.budget.monthlyUsd;
  const overByCents = toCents(estimate.monthlyUsd) - toCents(budgetUsd);
  const exceeded = overByCents > 0;
  const message = exceeded
    ? `estimated ${formatUsd(estimate.monthlyUsd)} a month exceeds the budget of ${formatUsd(budgetUsd)} by ${formatUsd(overByCents / 100)}`
    : `estimated ${formatUsd(estimate.monthlyUsd)} a month is within the budget of ${formatUsd(budgetUsd)}`;
  return { budgetUsd, monthlyUsd: estimate.monthlyUsd, overByUsd: overByCents / 100, exceeded, message };
}
