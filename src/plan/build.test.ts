import { describe, expect, it } from "vitest";
import { PlanCycleError } from "../core/errors.js";
import { validateSpec } from "../spec/validate.js";
import { buildPlan } from "./build.js";

const shop = validateSpec({
  name: "shop",
  environment: "production",
  services: [
    { name: "web", image: "acme/web:1", port: 8080, domain: "shop.example.com", dependsOn: ["api"] },
    { name: "api", image: "acme/api:1", port: 3000, public: false, dependsOn: ["postgres", "redis"] },
    { name: "worker", kind: "worker", image: "acme/worker:1", dependsOn: ["postgres", "rabbitmq"] },
  ],
  databases: [{ name: "postgres", engine: "postgres" }],
  caches: [{ name: "redis", engine: "redis" }],
  queues: [{ name: "rabbitmq", engine: "rabbitmq" }],
  buckets: [{ name: "uploads" }],
});

const index = (ids: readonly string[]) => new Map(ids.map((id, i) => [id, i]));

describe("buildPlan", () => {
  it("orders network, data services, services, ingress, monitoring", () => {
    const plan = buildPlan(shop);
    const ids = plan.steps.map((s) => s.id);
    const at = index(ids);
    const pos = (id: string) => at.get(id) ?? -1;
    expect(ids[0]).toBe("network");
    expect(pos("database:postgres")).toBeLessThan(pos("service:api"));
    expect(pos("cache:redis")).toBeLessThan(pos("service:api"));
    expect(pos("service:api")).toBeLessThan(pos("service:web"));
    expect(pos("service:web")).toBeLessThan(pos("ingress:web"));
    // Monitoring comes last, on every target that renders it (docker: prometheus.yml and its rules).
    expect(ids.at(-1)).toBe("monitoring");
    const local = buildPlan(validateSpec({ ...shop, target: "terraform", cloud: "local" })).steps;
    expect(local.map((s) => s.id)).not.toContain("monitoring");
    const onEcs = buildPlan(validateSpec({ ...shop, target: "terraform", cloud: "aws" })).steps.map(
      (s) => s.id,
    );
    expect(onEcs.at(-1)).toBe("monitoring");
    expect(ids).not.toContain("ingress:api");
    expect(plan.steps.every((s) => s.action === "create")).toBe(true);
  });

  it("promises an ingress only where the target renders one: a domain without a port gets none on docker or kubernetes", () => {
    const site = (target: string, cloud = "local") =>
      validateSpec({
        name: "blog",
        target,
        cloud,
        services: [{ name: "web", image: "wordpress:6", public: true, domain: "blog.example.com" }],
      });
    const ids = (target: string, cloud?: string) => buildPlan(site(target, cloud)).steps.map((s) => s.id);
    expect(ids("docker")).not.toContain("ingress:web");
    expect(ids("kubernetes")).not.toContain("ingress:web");
    // The load balancer forwards to 8080 when no port is named: that is rendered.
    expect(ids("terraform", "aws")).toContain("ingress:web");
    const withPort = validateSpec({
      ...site("kubernetes"),
      services: [{ ...site("kubernetes").services[0], port: 80 }],
    });
    expect(buildPlan(withPort).steps.map((s) => s.id)).toContain("ingress:web");
  });

  it("groups independent steps in the same level", () => {
    const plan = buildPlan(shop);
    expect(plan.levels[0]).toEqual(["network"]);
    expect(plan.levels[1]).toEqual(["secrets", "bucket:uploads"]);
    expect(plan.levels[2]).toEqual(
      expect.arrayContaining(["database:postgres", "cache:redis", "queue:rabbitmq"]),
    );
  });

  it("plans no work for an unchanged spec, and updates only what changed", () => {
    expect(buildPlan(shop, shop).steps.every((s) => s.action === "noop")).toBe(true);
    const changed = validateSpec({
      ...shop,
      services: shop.services.map((s) => (s.name === "api" ? { ...s, image: "acme/api:2" } : s)),
    });
    const plan = buildPlan(changed, shop);
    const api = plan.steps.find((s) => s.id === "service:api");
    expect(api?.action).toBe("update");
    expect(api?.fields).toEqual(["image"]);
    expect(plan.steps.filter((s) => s.action !== "noop").map((s) => s.id)).toEqual(["service:api"]);
  });

  it("removes ingress before the service and the service before its data", () => {
    const smaller = validateSpec({
      ...shop,
      services: shop.services.filter((s) => s.name === "worker"),
      caches: [],
    });
    const plan = buildPlan(smaller, shop);
    const ids = plan.steps.map((s) => s.id);
    const at = index(ids);
    expect(ids).toEqual(
      expect.arrayContaining([
        "remove-ingress:web",
        "remove-service:web",
        "remove-service:api",
        "remove-cache:redis",
      ]),
    );
    expect(at.get("remove-ingress:web")).toBeLessThan(at.get("remove-service:web") ?? -1);
    expect(at.get("remove-service:web")).toBeLessThan(at.get("remove-service:api") ?? -1);
    expect(at.get("remove-service:api")).toBeLessThan(at.get("remove-cache:redis") ?? -1);
  });

  it("refuses services that depend on each other in a circle, naming the cycle", () => {
    // Validation refuses cycles too; the plan keeps its own guard for specs built in code.
    const chain = validateSpec({
      services: [
        { name: "a", dependsOn: ["b"] },
        { name: "b", dependsOn: ["c"] },
        { name: "c", dependsOn: [] },
      ],
    });
    const cyclic = {
      ...chain,
      services: chain.services.map((s) => (s.name === "c" ? { ...s, dependsOn: ["a"] } : s)),
    };
    expect(() => buildPlan(cyclic)).toThrow(PlanCycleError);
    expect(() => buildPlan(cyclic)).toThrow(
      /service:a -> service:b -> service:c -> service:a|service:b -> service:c -> service:a -> service:b|service:c -> service:a -> service:b -> service:c/,
    );
  });
});

describe("buildDestroyPlan", () => {
  it("removes everything, the network last and data after the services that use it", async () => {
    const { buildDestroyPlan } = await import("./build.js");
    const plan = buildDestroyPlan(validateSpec({ ...shop, target: "terraform", cloud: "aws" }));
    const ids = plan.steps.map((s) => s.id);
    expect(plan.steps.every((s) => s.action === "delete")).toBe(true);
    expect(ids.at(-1)).toBe("remove-network");
    expect(ids).toEqual(
      expect.arrayContaining([
        "remove-monitoring",
        "remove-secrets",
        "remove-bucket:uploads",
        "remove-queue:rabbitmq",
      ]),
    );
    const at = index(ids);
    expect(at.get("remove-service:api")).toBeLessThan(at.get("remove-database:postgres") ?? -1);
    expect(at.get("remove-ingress:web")).toBeLessThan(at.get("remove-service:web") ?? -1);
    expect(at.get("remove-database:postgres")).toBeLessThan(at.get("remove-secrets") ?? -1);
  });
});
