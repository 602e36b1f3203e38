import { describe, expect, it } from "vitest";
import { CACHE_ENGINES, type CloudName, DATABASE_ENGINES, findRegion, QUEUE_ENGINES } from "../spec/index.js";
import {
  buildCatalog,
  catalogRegions,
  defaultCatalog,
  entriesFromFile,
  FALLBACK_REGIONS,
  findPrice,
  shippedPriceFiles,
} from "./catalog.js";
import { CatalogError } from "./errors.js";
import { QUEUES, SHARED } from "./queue-models.js";
import { CONTROL_PLANE, cacheFamily, DATABASES, NODES, SERVERLESS } from "./sizes.js";
import { COST_KINDS } from "./types.js";

const CLOUDS: readonly CloudName[] = ["aws", "gcp", "azure"];
const OFFICIAL_HOSTS = ["aws.amazon.com", "cloud.google.com", "azure.microsoft.com", "www.mongodb.com"];

/** Every sku the estimate can ask for on a cloud, read from the size tables. */
function skusUsedBy(cloud: CloudName): Set<string> {
  const skus = new Set<string>([SERVERLESS[cloud].vcpu, SERVERLESS[cloud].memory]);
  for (const tier of ["small", "large"] as const) {
    skus.add(NODES[cloud][tier].sku).add(NODES[cloud][tier].diskSku).add(CONTROL_PLANE[cloud][tier]);
    for (const engine of DATABASE_ENGINES) {
      const family = DATABASES[cloud][engine];
      for (const part of family.sizes[tier].parts) skus.add(part.sku);
      for (const u of family.usage ?? []) skus.add(u.sku);
      if (family.storage) skus.add(family.storage.sku);
      if (family.backupSku) skus.add(family.backupSku);
    }
    for (const engine of CACHE_ENGINES) {
      for (const part of cacheFamily(cloud, engine).sizes[tier].parts) skus.add(part.sku);
    }
    for (const engine of QUEUE_ENGINES) {
      const model = QUEUES[cloud][engine];
      if (model.type === "broker") {
        for (const part of model.sizes[tier].parts) skus.add(part.sku);
        if (model.storage) skus.add(model.storage.sku);
      } else if (model.type !== "self-hosted") skus.add(model.sku);
    }
  }
  const shared = SHARED[cloud];
  for (const sku of [shared.bucket, shared.logs, shared.metric, shared.nat, ...shared.lb.map((l) => l.sku)]) {
    if (sku) skus.add(sku);
  }
  return skus;
}

describe("defaultCatalog", () => {
  it("is the shipped price files as the file schema checks them (they are not checked on start)", () => {
    const checked = Object.entries(shippedPriceFiles).flatMap(([name, data]) => entriesFromFile(data, name));
    expect(Object.keys(shippedPriceFiles)).toEqual(["aws.json", "gcp.json", "azure.json"]);
    expect(defaultCatalog.entries).toStrictEqual(checked);
  });

  it("gives every entry an https source, an ISO date, a unit and a non-negative USD price", () => {
    expect(defaultCatalog.currency).toBe("USD");
    expect(defaultCatalog.entries.length).toBeGreaterThan(400);
    for (const e of defaultCatalog.entries) {
      const url = new URL(e.source);
      expect(url.protocol, e.id).toBe("https:");
      expect(OFFICIAL_HOSTS, e.id).toContain(url.hostname);
      expect(e.date, e.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Number.isNaN(Date.parse(e.date)), e.id).toBe(false);
      expect(e.unit.length, e.id).toBeGreaterThan(0);
      expect(e.priceUsd, e.id).toBeGreaterThanOrEqual(0);
      expect(e.id).toBe(`${e.cloud}:${e.region}:${e.id.split(":")[2]}`);
    }
  });

  it("prices at least three regions per cloud, covering the US, Europe and Asia", () => {
    for (const cloud of CLOUDS) {
      const regions = catalogRegions(defaultCatalog, cloud);
      expect(regions.length, cloud).toBeGreaterThanOrEqual(3);
      const areas = new Set(regions.map((r) => findRegion(r)?.area));
      expect([...areas].sort(), cloud).toEqual(expect.arrayContaining(["asia", "eu", "us"]));
      for (const r of regions) expect(findRegion(r)?.cloud, r).toBe(cloud);
      expect(regions).toContain(FALLBACK_REGIONS[cloud]);
    }
  });

  it("covers every kind of cost line on every cloud", () => {
    for (const cloud of CLOUDS) {
      const kinds = new Set(defaultCatalog.entries.filter((e) => e.cloud === cloud).map((e) => e.kind));
      expect([...kinds].sort(), cloud).toEqual([...COST_KINDS].sort());
    }
  });

  it("has every sku the estimate uses, in every region of its cloud", () => {
    for (const cloud of CLOUDS) {
      const skus = skusUsedBy(cloud);
      expect(skus.size, cloud).toBeGreaterThan(15);
      for (const region of catalogRegions(defaultCatalog, cloud)) {
        for (const sku of skus) expect(() => findPrice(defaultCatalog, cloud, region, sku)).not.toThrow();
      }
    }
  });

  it("holds the products the issue names, with plausible list prices", () => {
    const p = (id: string) => {
      const [cloud, region, sku] = id.split(":") as [CloudName, string, string];
      return findPrice(defaultCatalog, cloud, region, sku);
    };
    expect(p("aws:us-east-1:fargate-vcpu").priceUsd).toBeCloseTo(0.04048, 5);
    expect(p("aws:us-east-1:eks-cluster").priceUsd).toBe(0.1);
    expect(p("aws:us-east-1:rds-postgres-db-m6g-large").unit).toBe("instance-hour");
    expect(p("aws:us-east-1:s3-standard").priceUsd).toBe(0.023);
    expect(p("gcp:us-central1:cloud-run-vcpu").unit).toBe("vCPU-second");
    expect(p("gcp:us-central1:memorystore-redis-standard").unit).toBe("GB-hour");
    expect(p("gcp:europe-west1:pubsub-throughput").unit).toBe("TiB");
    expect(p("azure:eastus:aks-free").priceUsd).toBe(0);
    expect(p("azure:eastus:aks-standard").priceUsd).toBe(0.1);
    expect(p("azure:japaneast:container-apps-memory").unit).toBe("GiB-second");
    for (const id of [
      "aws:eu-west-1:alb-lcu",
      "gcp:asia-southeast1:lb-forwarding-rule",
      "azure:westeurope:app-gateway-v2-fixed",
    ]) {
      expect(p(id).kind).toBe("load-balancer");
    }
    // Regional premiums: Frankfurt costs more than Virginia for the same node.
    expect(p("aws:eu-central-1:ec2-m6i-large").priceUsd).toBeGreaterThan(
      p("aws:us-east-1:ec2-m6i-large").priceUsd,
    );
  });
});

describe("entriesFromFile", () => {
  const good = {
    cloud: "aws",
    regions: ["us-east-1", "eu-west-1"],
    skus: [
      {
        sku: "s3-standard",
        kind: "bucket",
        service: "S3",
        unit: "GB-month",
        source: "https://aws.amazon.com/s3/pricing/",
        date: "2025-06-01",
        prices: { "us-east-1": 0.023, "eu-west-1": 0.023 },
      },
    ],
  };

  it("flattens one price per sku and region", () => {
    const entries = entriesFromFile(good, "test.json");
    expect(entries.map((e) => e.id)).toEqual(["aws:us-east-1:s3-standard", "aws:eu-west-1:s3-standard"]);
    expect(entries[1]).toMatchObject({
      priceUsd: 0.023,
      unit: "GB-month",
      kind: "bucket",
      date: "2025-06-01",
    });
  });

  it.each([
    ["a missing region price", { prices: { "us-east-1": 0.023 } }, /missing \[eu-west-1\]/],
    ["an http source", { source: "http://aws.amazon.com/s3/pricing/" }, /source/],
    ["a date that is not ISO", { date: "June 2025" }, /yyyy-mm-dd/],
    ["a negative price", { prices: { "us-east-1": -1, "eu-west-1": 0.023 } }, /prices/],
  ])("refuses %s", (_name, change, message) => {
    const [sku] = good.skus;
    const bad = { ...good, skus: [{ ...sku, ...change }] };
    expect(() => entriesFromFile(bad, "bad.json")).toThrow(CatalogError);
    expect(() => entriesFromFile(bad, "bad.json")).toThrow(message);
  });

  it("refuses duplicate ids in a catalog", () => {
    const entries = entriesFromFile(good, "test.json");
    expect(() => buildCatalog("t", [...entries, ...entries])).toThrow(
      /duplicate price id aws:us-east-1:s3-standard/,
    );
  });
});
