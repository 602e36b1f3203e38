/**
 * What every pricing step shares: the spec, the cloud and region priced, the
 * hours in a month, the size tier, and the list of assumptions being written.
 * Item builders turn a sku and a count into a CostItem rounded to cents.
 */
import { isProduction } from "../spec/environment.js";
import type { CloudName, DeploymentSpec } from "../spec/index.js";
import { FALLBACK_REGIONS, findPrice, indexCatalog } from "./catalog.js";
import { CatalogError } from "./errors.js";
import { roundPrice, roundQuantity, toCents } from "./money.js";
import type { CostItem, CostKind, PriceCatalog, PriceEntry } from "./types.js";

/** Sizes follow the environment as the renderers do: production large, everything else small. */
export type Tier = "small" | "large";

export interface PricingContext {
  readonly spec: DeploymentSpec;
  readonly cloud: CloudName;
  /** The region whose prices are used (the spec's, or the cloud's US region as a fallback). */
  readonly region: string;
  readonly hours: number;
  readonly production: boolean;
  readonly tier: Tier;
  readonly catalog: PriceCatalog;
  /** Filled while pricing, in order. */
  readonly assumptions: string[];
}

export function tierOf(environment: string): Tier {
  return isProduction({ environment }) ? "large" : "small";
}

export function createContext(
  spec: DeploymentSpec,
  cloud: CloudName,
  catalog: PriceCatalog,
  hours: number,
): PricingContext {
  const assumptions: string[] = [];
  const fallback = FALLBACK_REGIONS[cloud];
  let region: string = fallback;
  if (spec.region === undefined) {
    assumptions.push(`no region given: priced in ${fallback}, the ${cloud} US region`);
  } else if (indexCatalog(catalog).regions.has(`${cloud}:${spec.region}`)) {
    region = spec.region;
  } else {
    assumptions.push(
      `region ${spec.region} is not in the price catalog: priced as ${fallback} (the ${cloud} US region); ` +
        "prices there often differ by 5-30%",
    );
  }
  return {
    spec,
    cloud,
    region,
    hours,
    production: isProduction(spec),
    tier: tierOf(spec.environment),
    catalog,
    assumptions,
  };
}

export function price(ctx: PricingContext, sku: string): PriceEntry {
  return findPrice(ctx.catalog, ctx.cloud, ctx.region, sku);
}

/** Price per hour and its unit: per-second prices (Cloud Run, Container Apps) are converted once, here. */
export function hourly(entry: PriceEntry): { unit: string; priceUsd: number } {
  if (entry.unit.endsWith("-hour")) return { unit: entry.unit, priceUsd: entry.priceUsd };
  if (entry.unit.endsWith("-second")) {
    return { unit: entry.unit.replace(/-second$/, "-hour"), priceUsd: roundPrice(entry.priceUsd * 3600) };
  }
  throw new CatalogError(`price ${entry.id} is billed per ${entry.unit}, not per hour or second`);
}

export interface Line {
  readonly component: string;
  readonly description: string;
  /** Overrides the kind the catalog gives the sku. */
  readonly kind?: CostKind;
}

function makeItem(
  line: Line,
  entry: PriceEntry,
  quantity: number,
  unit: string,
  unitPrice: number,
): CostItem {
  return {
    component: line.component,
    kind: line.kind ?? entry.kind,
    description: line.description,
    quantity: roundQuantity(quantity),
    unit,
    unitPriceUsd: unitPrice,
    monthlyUsd: toCents(quantity * unitPrice) / 100,
    priceId: entry.id,
  };
}

/** `count` units running for `hours` (default: the whole month), priced per hour. */
export function hourlyItem(
  ctx: PricingContext,
  sku: string,
  line: Line & { readonly count: number; readonly hours?: number },
): CostItem {
  const entry = price(ctx, sku);
  const { unit, priceUsd } = hourly(entry);
  return makeItem(line, entry, line.count * (line.hours ?? ctx.hours), unit, priceUsd);
}

/** A quantity in the sku's own unit (GB-month, million requests, TiB). */
export function unitItem(
  ctx: PricingContext,
  sku: string,
  line: Line & { readonly quantity: number },
): CostItem {
  const entry = price(ctx, sku);
  return makeItem(line, entry, line.quantity, entry.unit, entry.priceUsd);
}

/** "web, worker, report and 197 more": keeps assumptions short for large specs. */
export function nameList(names: readonly string[], max = 5): string {
  if (names.length <= max) return names.join(", ");
  return `${names.slice(0, max).join(", ")} and ${names.length - max} more`;
}
