import { describe, expect, it } from "vitest";
import {
  CACHE_ENGINES,
  type CloudName,
  DATABASE_ENGINES,
  type DeploymentSpecInput,
  QUEUE_ENGINES,
} from "../spec/index.js";
import { manyServices, richProdWith, spec } from "./__fixtures__/specs.js";
import { defaultCatalog } from "./catalog.js";
import { estimateCost } from "./estimate.js";
import { formatEstimate } from "./format.js";
import { toCents } from "./money.js";

const CLOUDS: readonly CloudName[] = ["aws", "gcp", "azure"];
const TARGETS = ["kubernetes", "terraform"] as const;
const ids = new Set(defaultCatalog.entries.map((e) => e.id));

const oneDb = (cloud: CloudName, highAvailability: boolean, environment = "dev"): DeploymentSpecInput => ({
  name: "db-only",
  environment,
  target: "terraform",
  cloud,
  databases: [{ name: "main", engine: "postgres", storageGb: 20, highAvailability }],
});

describe("model", () => {
  it.each(CLOUDS)("HA costs more than a single database on %s", (cloud) => {
    for (const environment of ["dev", "production"]) {
      const single = estimateCost(spec(oneDb(cloud, false, environment))).monthlyUsd;
      const ha = estimateCost(spec(oneDb(cloud, true, environment))).monthlyUsd;
      expect(ha, environment).toBeGreaterThan(single);
    }
  });

  it("sizes an Azure HA database up, since Burstable servers have no HA", () => {
    const estimate = estimateCost(spec(oneDb("azure", true)));
    expect(estimate.items[0]?.priceId).toBe("azure:eastus:pg-flex-d2ds-v4");
    expect(estimate.assumptions.join("\n")).toMatch(
      /HA needs the General Purpose D2ds v4 \(.*\) size on .*: sized up/,
    );
  });

  it.each(CLOUDS.flatMap((cloud) => TARGETS.map((target) => [cloud, target] as const)))(
    "production costs at least as much as dev on %s with %s",
    (cloud, target) => {
      const region = undefined;
      const prod = estimateCost(richProdWith({ cloud, target, region })).monthlyUsd;
      const dev = estimateCost(richProdWith({ cloud, target, region, environment: "dev" })).monthlyUsd;
      expect(prod).toBeGreaterThanOrEqual(dev);
      expect(dev).toBeGreaterThan(0);
    },
  );

  it("prices Fargate by vCPU-hour and GB-hour of every replica", () => {
    const s = spec({
      name: "api",
      target: "terraform",
      cloud: "aws",
      region: "us-east-1",
      services: [{ name: "api", replicas: 2, resources: { cpu: "500m", memory: "1Gi" } }],
    });
    const [vcpu, memory] = estimateCost(s).items.filter((i) => i.component === "api");
    expect(vcpu).toMatchObject({
      quantity: 730,
      unit: "vCPU-hour",
      unitPriceUsd: 0.04048,
      monthlyUsd: 29.55,
    });
    expect(memory).toMatchObject({
      quantity: 1460,
      unit: "GB-hour",
      unitPriceUsd: 0.004445,
      monthlyUsd: 6.49,
    });
  });

  it("converts Cloud Run per-second prices to hours and rounds cpu up to what Cloud Run sells", () => {
    const s = spec({
      name: "api",
      target: "terraform",
      cloud: "gcp",
      region: "europe-west3",
      services: [{ name: "api", kind: "worker", replicas: 1, resources: { cpu: "250m", memory: "512Mi" } }],
    });
    const estimate = estimateCost(s);
    const vcpu = estimate.items.find((i) => i.priceId === "gcp:europe-west3:cloud-run-vcpu");
    expect(vcpu).toMatchObject({
      unit: "vCPU-hour",
      unitPriceUsd: 0.09072,
      quantity: 730,
      monthlyUsd: 66.23,
    });
    expect(estimate.assumptions.join("\n")).toMatch(/Cloud Run rounds containers up/);
    // No load balancer: Cloud Run serves its own HTTPS endpoint.
    expect(estimate.items.some((i) => i.kind === "load-balancer")).toBe(false);
  });

  it("runs a cron job one hour a day on one replica, with default resources when none are given", () => {
    const s = spec({
      name: "jobs",
      target: "terraform",
      cloud: "aws",
      region: "us-east-1",
      services: [{ name: "nightly", kind: "cron", schedule: "0 2 * * *" }],
    });
    const estimate = estimateCost(s);
    const vcpu = estimate.items.find((i) => i.priceId === "aws:us-east-1:fargate-vcpu");
    expect(vcpu?.quantity).toBeCloseTo((0.25 * 730) / 24, 3);
    expect(estimate.assumptions.join("\n")).toMatch(
      /no cpu or memory given for nightly: assumed 0.25 vCPU and 0.5 GiB/,
    );
  });

  it("adds nodes for the requested capacity and NATS containers beside the app", () => {
    const withNats = estimateCost(
      richProdWith({
        queues: [
          { name: "rabbitmq", engine: "rabbitmq" },
          { name: "bus", engine: "nats" },
        ],
      }),
    );
    const nodes = (e: typeof withNats) => e.items.find((i) => i.kind === "nodes")?.quantity ?? 0;
    const text = withNats.assumptions.join("\n");
    expect(text).toMatch(/bus \(nats\) has no managed service on aws: runs as 3 container/);
    // rich-prod requests 2.25 vCPU; three NATS containers of 0.25 vCPU add 0.75.
    expect(text).toMatch(/hold 3 vCPU and 4\.5 GiB of requests/);
    expect(withNats.items.some((i) => i.component === "bus")).toBe(false);
    const heavy = richProdWith({
      services: [{ name: "web", replicas: 10, resources: { cpu: "1", memory: "2Gi" } }],
    });
    // 10 vCPU of requests on 2-vCPU nodes with 70% usable: 8 nodes, more than the floor of 3.
    expect(nodes(estimateCost(heavy))).toBe(8 * 730);
    expect(estimateCost(heavy).items.find((i) => i.kind === "nodes")?.description).toMatch(/^8 x m6i\.large/);
  });

  it("uses the AKS free tier outside production and the standard tier in it", () => {
    const plane = (environment: string) =>
      estimateCost(richProdWith({ cloud: "azure", region: "westeurope", environment })).items.find(
        (i) => i.kind === "control-plane",
      );
    expect(plane("dev")).toMatchObject({ priceId: "azure:westeurope:aks-free", monthlyUsd: 0 });
    expect(plane("production")).toMatchObject({ priceId: "azure:westeurope:aks-standard", monthlyUsd: 73 });
  });
});

describe("every engine on every cloud and target", () => {
  const cases = CLOUDS.flatMap((cloud) =>
    TARGETS.flatMap((target) =>
      ["dev", "production"].map((environment) => [cloud, target, environment] as const),
    ),
  );

  it.each(cases)("%s / %s / %s prices every component with catalog prices", (cloud, target, environment) => {
    const s = spec({
      name: "all",
      environment,
      target,
      cloud,
      services: [
        { name: "web", resources: { cpu: "2", memory: "4Gi" } },
        { name: "worker", kind: "worker" },
      ],
      databases: DATABASE_ENGINES.map((engine) => ({ name: `db-${engine}`, engine, highAvailability: true })),
      caches: CACHE_ENGINES.map((engine) => ({ name: `cache-${engine}`, engine })),
      queues: QUEUE_ENGINES.map((engine) => ({ name: `q-${engine}`, engine })),
      buckets: [{ name: "files" }],
      monitoring: { enabled: true },
    });
    const estimate = estimateCost(s);
    const components = new Set(estimate.items.map((i) => i.component));
    for (const name of [
      ...DATABASE_ENGINES.map((e) => `db-${e}`),
      ...CACHE_ENGINES.map((e) => `cache-${e}`),
    ]) {
      expect(components, name).toContain(name);
    }
    for (const engine of QUEUE_ENGINES.filter((e) => e !== "nats" || target === "terraform")) {
      expect(components, engine).toContain(`q-${engine}`);
    }
    for (const item of estimate.items) {
      expect(ids.has(item.priceId), item.priceId).toBe(true);
      expect(Number.isFinite(item.monthlyUsd)).toBe(true);
      expect(item.quantity, item.description).toBeGreaterThan(0);
    }
    const cents = estimate.items.reduce((sum, i) => sum + toCents(i.monthlyUsd), 0);
    expect(toCents(estimate.monthlyUsd)).toBe(cents);
  });
});

describe("a large spec", () => {
  it.each([
    ["aws kubernetes", {}],
    ["gcp terraform", { cloud: "gcp" as const, target: "terraform" as const, region: "asia-northeast1" }],
  ])("estimates 200 services on %s", (_name, base) => {
    const s = manyServices(200, base);
    const estimate = estimateCost(s);
    expect(estimate.monthlyUsd).toBeGreaterThan(1000);
    expect(estimate.assumptions.join("\n")).toMatch(/autoscales from 1 to 5/);
    expect(estimate.assumptions.join("\n")).toMatch(/svc-9, svc-19, svc-29, svc-39, svc-49 and 15 more/);
    expect(formatEstimate(estimate)).toContain(`total $`);
  });
});
