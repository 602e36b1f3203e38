import { describe, expect, it } from "vitest";
import { richProd, richProdWith, spec } from "./__fixtures__/specs.js";
import { buildCatalog, defaultCatalog } from "./catalog.js";
import { CatalogError, CostInputError } from "./errors.js";
import { checkBudget, estimateCost, FREE_NOTE } from "./estimate.js";
import { toCents } from "./money.js";
import type { CostEstimate } from "./types.js";

const ids = new Set(defaultCatalog.entries.map((e) => e.id));

function expectConsistent(estimate: CostEstimate): void {
  const cents = estimate.items.reduce((sum, i) => sum + toCents(i.monthlyUsd), 0);
  expect(toCents(estimate.monthlyUsd)).toBe(cents);
  for (const item of estimate.items) {
    expect(ids.has(item.priceId), item.priceId).toBe(true);
    expect(Math.round(item.monthlyUsd * 100)).toBe(toCents(item.monthlyUsd));
    // The line is its quantity times its unit price, to the cent (quantities are shown to 4 decimals).
    expect(Math.abs(item.quantity * item.unitPriceUsd - item.monthlyUsd), item.description).toBeLessThan(
      0.02,
    );
  }
}

describe("estimateCost on rich-prod (aws eu-central-1, kubernetes, production)", () => {
  const estimate = estimateCost(richProd());

  it("lands in a realistic range", () => {
    expect(estimate.monthlyUsd).toBeGreaterThan(50);
    expect(estimate.monthlyUsd).toBeLessThan(5000);
    expect(estimate.currency).toBe("USD");
    expect(estimate.catalogDate).toBe("2025-06-01");
  });

  it("lists every component with its own line", () => {
    const kinds = new Set(estimate.items.map((i) => i.kind));
    for (const kind of ["control-plane", "nodes", "database", "cache", "queue", "bucket", "load-balancer"]) {
      expect(kinds, kind).toContain(kind);
    }
    for (const kind of ["storage", "backup", "network", "monitoring"]) expect(kinds, kind).toContain(kind);
    const components = new Set(estimate.items.map((i) => i.component));
    for (const name of ["postgres", "redis", "rabbitmq", "uploads", "cluster"])
      expect(components).toContain(name);
  });

  it("prices the HA postgres as Multi-AZ RDS with doubled storage and backups", () => {
    const db = estimate.items.filter((i) => i.component === "postgres");
    const instance = db.find((i) => i.kind === "database");
    expect(instance?.description).toMatch(/RDS for PostgreSQL .*Multi-AZ/);
    expect(instance?.quantity).toBe(2 * 730);
    expect(instance?.priceId).toBe("aws:eu-central-1:rds-postgres-db-t4g-medium");
    expect(db.find((i) => i.kind === "storage")?.quantity).toBe(100);
    expect(db.find((i) => i.kind === "backup")?.quantity).toBe(50);
  });

  it("prices everything in the spec's region and sums to the cent", () => {
    for (const item of estimate.items) expect(item.priceId).toMatch(/^aws:eu-central-1:/);
    expectConsistent(estimate);
  });

  it("states its assumptions, including the autoscale upper bound and the node count", () => {
    const text = estimate.assumptions.join("\n");
    expect(text).toMatch(/web autoscales from 3 to 12 replicas: priced at 3/);
    expect(text).toMatch(/\d+ x m6i\.large nodes/);
    expect(text).toMatch(/report.*1 hour a day/);
    expect(text).toMatch(/50 GB stored/);
    expect(text).toMatch(/monitoring/);
    expect(text).not.toMatch(/not in the price catalog/);
  });
});

describe("local and docker", () => {
  it.each([
    ["target docker", { target: "docker" as const, cloud: "local" as const, region: undefined }],
    ["target docker on a cloud", { target: "docker" as const }],
    ["cloud local with kubernetes", { cloud: "local" as const, region: undefined }],
  ])("%s costs $0 with a note", (_name, change) => {
    const estimate = estimateCost(richProdWith(change));
    expect(estimate.monthlyUsd).toBe(0);
    expect(estimate.items).toEqual([]);
    expect(estimate.assumptions.join(" ")).toContain(FREE_NOTE);
  });
});

describe("regions", () => {
  it("falls back to the cloud's US region for a region missing from the catalog, and says so", () => {
    const estimate = estimateCost(richProdWith({ region: "eu-west-3" }));
    for (const item of estimate.items) expect(item.priceId).toMatch(/^aws:us-east-1:/);
    expect(estimate.assumptions.join("\n")).toMatch(
      /eu-west-3 is not in the price catalog: priced as us-east-1/,
    );
  });

  it("prices in the US region when the spec names none", () => {
    const estimate = estimateCost(richProdWith({ cloud: "gcp", region: undefined }));
    for (const item of estimate.items) expect(item.priceId).toMatch(/^gcp:us-central1:/);
    expect(estimate.assumptions.join("\n")).toMatch(/no region given: priced in us-central1/);
  });

  it("charges the regional premium", () => {
    const frankfurt = estimateCost(richProd()).monthlyUsd;
    const virginia = estimateCost(richProdWith({ region: "us-east-1" })).monthlyUsd;
    expect(frankfurt).toBeGreaterThan(virginia);
  });
});

describe("budget", () => {
  it("compares the estimate with the spec's budget", () => {
    const estimate = estimateCost(richProd());
    const within = checkBudget(richProd(), estimate);
    expect(within).toMatchObject({ budgetUsd: 2000, monthlyUsd: estimate.monthlyUsd, exceeded: false });
    expect(within?.message).toMatch(/within the budget of \$2,000\.00/);

    const tight = richProdWith({ budget: { monthlyUsd: 100 } });
    const over = checkBudget(tight, estimateCost(tight));
    expect(over?.exceeded).toBe(true);
    expect(over?.overByUsd).toBe(toCents(estimate.monthlyUsd - 100) / 100);
    expect(over?.message).toMatch(/exceeds the budget of \$100\.00 by \$/);
  });

  it("has nothing to say without a budget", () => {
    const noBudget = richProdWith({ budget: undefined });
    expect(checkBudget(noBudget, estimateCost(noBudget))).toBeUndefined();
  });
});

describe("determinism and purity", () => {
  it("gives the same estimate, byte for byte, for the same spec", () => {
    expect(JSON.stringify(estimateCost(richProd()))).toBe(JSON.stringify(estimateCost(richProd())));
  });

  it("does not change the spec", () => {
    const s = richProd();
    const before = JSON.stringify(s);
    estimateCost(s);
    expect(JSON.stringify(s)).toBe(before);
  });
});

describe("options and errors", () => {
  it("uses hoursPerMonth for hourly lines", () => {
    const estimate = estimateCost(richProd(), { hoursPerMonth: 720 });
    expect(estimate.items.find((i) => i.kind === "control-plane")).toMatchObject({
      quantity: 720,
      monthlyUsd: 72,
    });
    expect(estimate.assumptions).toContain("720 hours in a month");
  });

  it.each([0, -1, Number.NaN, 1000])("refuses hoursPerMonth %d", (hours) => {
    expect(() => estimateCost(richProd(), { hoursPerMonth: hours })).toThrow(CostInputError);
  });

  it("names the missing price when a custom catalog lacks one", () => {
    const catalog = buildCatalog(
      "partial",
      defaultCatalog.entries.filter((e) => !e.id.endsWith(":eks-cluster")),
    );
    expect(() => estimateCost(richProd(), { catalog })).toThrow(CatalogError);
    expect(() => estimateCost(richProd(), { catalog })).toThrow(/no price aws:eu-central-1:eks-cluster/);
  });

  it("uses a custom catalog's prices", () => {
    const catalog = buildCatalog(
      "doubled",
      defaultCatalog.entries.map((e) => ({ ...e, priceUsd: e.priceUsd * 2 })),
    );
    const base = estimateCost(richProd()).monthlyUsd;
    expect(estimateCost(richProd(), { catalog }).monthlyUsd).toBeCloseTo(base * 2, 0);
    expect(estimateCost(richProd(), { catalog }).assumptions[0]).toMatch(/price catalog doubled/);
  });

  it("prices a spec with no components on a cloud", () => {
    const empty = spec({ name: "empty", target: "terraform", cloud: "azure", region: "westeurope" });
    expect(estimateCost(empty)).toMatchObject({ monthlyUsd: 0, items: [] });
  });
});
