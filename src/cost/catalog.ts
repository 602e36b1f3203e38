/**
 * The price catalog: list prices shipped as JSON beside this file, one file
 * per cloud, one price per sku and region, flattened into PriceEntry rows (id
 * `cloud:region:sku`). The shipped files are checked by catalog.test.ts with
 * the same schema as any other file, not on every start: that check cost each
 * `plan` ~10 ms of zod (issue 26).
 * JSON import attributes compile with resolveJsonModule and `tsc` copies the
 * imported files to dist, so the data stays data.
 */
import { z } from "zod";
import type { CloudName } from "../spec/index.js";
import awsPrices from "./catalog/aws.json" with { type: "json" };
import azurePrices from "./catalog/azure.json" with { type: "json" };
import gcpPrices from "./catalog/gcp.json" with { type: "json" };
import { CatalogError } from "./errors.js";
import { COST_KINDS, type PriceCatalog, type PriceEntry } from "./types.js";

export const CATALOG_VERSION = "2025.06";

/** Where a region missing from the catalog is priced instead. */
export const FALLBACK_REGIONS = {
  aws: "us-east-1",
  gcp: "us-central1",
  azure: "eastus",
} as const satisfies Record<CloudName, string>;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Built on the first check of a file (the shipped ones are checked by the tests). */
const fileSchema = memo(() => {
  const skuSchema = z.strictObject({
    sku: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    kind: z.enum(COST_KINDS),
    service: z.string().min(1),
    unit: z.string().min(1),
    source: z.url({ protocol: /^https$/ }),
    date: z.string().regex(ISO_DATE, "must be yyyy-mm-dd"),
    prices: z.record(z.string(), z.number().nonnegative()),
    notes: z.string().optional(),
  });
  return z
    .strictObject({
      cloud: z.enum(["aws", "gcp", "azure"]),
      regions: z.array(z.string().min(1)).min(1),
      skus: z.array(skuSchema).min(1),
    })
    .superRefine((file, ctx) => {
      file.skus.forEach((sku, i) => {
        const missing = file.regions.filter((r) => sku.prices[r] === undefined);
        const extra = Object.keys(sku.prices).filter((r) => !file.regions.includes(r));
        if (missing.length > 0 || extra.length > 0) {
          ctx.addIssue({
            code: "custom",
            path: ["skus", i, "prices"],
            message: `${sku.sku}: missing [${missing.join(", ")}], unknown [${extra.join(", ")}]`,
          });
        }
      });
    });
});

type PriceFile = z.output<ReturnType<typeof fileSchema>>;

function memo<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => {
    built ??= build();
    return built;
  };
}

export function priceId(cloud: CloudName, region: string, sku: string): string {
  return `${cloud}:${region}:${sku}`;
}

/** Checks one cloud's price file and flattens it into catalog entries. */
export function entriesFromFile(data: unknown, name: string): PriceEntry[] {
  const parsed = fileSchema().safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new CatalogError(`price file ${name} is invalid: ${first?.path.join(".")}: ${first?.message}`, {
      cause: parsed.error,
    });
  }
  return flatten(parsed.data);
}

function flatten({ cloud, regions, skus }: PriceFile): PriceEntry[] {
  return skus.flatMap((sku) =>
    regions.map((region) => ({
      id: priceId(cloud, region, sku.sku),
      cloud,
      region,
      service: sku.service,
      unit: sku.unit,
      priceUsd: sku.prices[region] ?? 0,
      source: sku.source,
      date: sku.date,
      kind: sku.kind,
      ...(sku.notes === undefined ? {} : { notes: sku.notes }),
    })),
  );
}

/** Builds a catalog and refuses duplicate ids. */
export function buildCatalog(version: string, entries: readonly PriceEntry[]): PriceCatalog {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.id)) throw new CatalogError(`duplicate price id ${entry.id}`);
    seen.add(entry.id);
  }
  return { version, currency: "USD", entries };
}

/** The shipped files, checked by catalog.test.ts (`shippedPriceFiles` through entriesFromFile). */
export const shippedPriceFiles: Readonly<Record<string, unknown>> = {
  "aws.json": awsPrices,
  "gcp.json": gcpPrices,
  "azure.json": azurePrices,
};

export const defaultCatalog: PriceCatalog = buildCatalog(
  CATALOG_VERSION,
  // JSON imports type `cloud` and `kind` as plain strings; the test above holds them to the schema.
  [awsPrices, gcpPrices, azurePrices].flatMap((file) => flatten(file as PriceFile)),
);

interface CatalogIndex {
  readonly byId: ReadonlyMap<string, PriceEntry>;
  readonly regions: ReadonlySet<string>;
  readonly newestDate: string;
}

// One index per catalog object: a 200-service spec looks prices up thousands of times.
const indexes = new WeakMap<PriceCatalog, CatalogIndex>();

export function indexCatalog(catalog: PriceCatalog): CatalogIndex {
  const cached = indexes.get(catalog);
  if (cached) return cached;
  const byId = new Map<string, PriceEntry>();
  const regions = new Set<string>();
  let newestDate = "";
  for (const entry of catalog.entries) {
    byId.set(entry.id, entry);
    regions.add(`${entry.cloud}:${entry.region}`);
    if (entry.date > newestDate) newestDate = entry.date;
  }
  const index = { byId, regions, newestDate };
  indexes.set(catalog, index);
  return index;
}

/** The regions of a cloud that the catalog prices, in catalog order. */
export function catalogRegions(catalog: PriceCatalog, cloud: CloudName): string[] {
  return [...new Set(catalog.entries.filter((e) => e.cloud === cloud).map((e) => e.region))];
}

/** The entry for a sku in a region, or a CatalogError naming what is missing. */
export function findPrice(catalog: PriceCatalog, cloud: CloudName, region: string, sku: string): PriceEntry {
  const id = priceId(cloud, region, sku);
  const entry = indexCatalog(catalog).byId.get(id);
  if (!entry) {
    throw new CatalogError(`the price catalog ${catalog.version} has no price ${id}`, {
      hint: `add a "${sku}" price for ${cloud} ${region} to the catalog`,
    });
  }
  return entry;
}
