import { describe, expect, it } from "vitest";
import type { DeploymentSpec } from "../../spec/schema.js";
import { validateSpec } from "../../spec/validate.js";
import { interpretRules } from "../rules-interpreter.js";

const base: DeploymentSpec = validateSpec({
  name: "shop",
  environment: "staging",
  services: [
    { name: "web", kind: "web", image: "nginx:1.27", public: true },
    { name: "worker", kind: "worker", image: "acme/worker:1" },
  ],
  databases: [{ name: "postgres", engine: "postgres" }],
  caches: [{ name: "redis", engine: "redis" }],
});

const parts = (spec: DeploymentSpec) => [
  ...spec.services.map((s) => s.name),
  ...spec.databases.map((d) => d.name),
  ...spec.caches.map((c) => c.name),
];

describe("a part that is no longer needed is removed from the base", () => {
  it.each([
    ["the worker isn't needed anymore", "worker"],
    ["the worker is no longer needed", "worker"],
    ["we no longer need the worker", "worker"],
    ["we don't need the redis cache anymore", "redis"],
    ["the cache is obsolete", "redis"],
  ])("%s", (text, gone) => {
    const r = interpretRules(text, { base });
    expect(r.action).toBe("deploy");
    expect(parts(r.spec)).toEqual(parts(base).filter((p) => p !== gone));
    expect(r.assumptions).toContain(`removed ${gone}`);
  });

  it("without a base, the same words rule a part out of a new spec", () => {
    const r = interpretRules("deploy nginx; we don't need a database");
    expect(r.spec.databases).toEqual([]);
  });

  it('"remove the worker" still removes it, and what is not there is a question', () => {
    expect(parts(interpretRules("remove the worker", { base }).spec)).not.toContain("worker");
    const r = interpretRules("remove the mailer service", { base });
    expect(parts(r.spec)).toEqual(parts(base));
  });
});

describe("a removal's scope: the app named as the place is no part", () => {
  // The api alone: the app's primary service, which the words "the shop" used to fall on.
  const shop: DeploymentSpec = validateSpec({
    name: "shop",
    environment: "staging",
    services: [{ name: "api", image: "acme/api:1", port: 8080 }],
    caches: [{ name: "redis", engine: "redis" }],
  });
  const missing = "there is no worker to remove: which part did you mean?";

  it.each(["remove the worker from the shop", "remove the worker", "remove the worker from the app"])(
    "%s: nothing removed or added, one question",
    (text) => {
      const r = interpretRules(text, { base: shop });
      expect(r.action).toBe("deploy");
      expect(r.spec).toEqual(shop);
      expect(r.questions).toEqual([missing]);
      expect(r.assumptions.filter((a) => a.startsWith("removed"))).toEqual([]);
    },
  );

  it.each([
    ["remove the cache from the shop", "redis"],
    ["remove redis from the stack", "redis"],
    ["drop the redis cache", "redis"],
    ["remove the api", "api"],
    ["remove the api from the shop", "api"],
  ])("%s removes only %s", (text, gone) => {
    const r = interpretRules(text, { base: shop });
    expect(parts(r.spec)).toEqual(parts(shop).filter((p) => p !== gone));
    expect(r.assumptions.filter((a) => a.startsWith("removed"))).toEqual([`removed ${gone}`]);
    expect(r.questions).toEqual([]);
  });

  it("the app itself as what is removed is the whole deployment", () => {
    expect(interpretRules("remove the shop", { base: shop }).action).toBe("destroy");
    expect(interpretRules("remove everything from the shop", { base: shop }).action).toBe("destroy");
  });

  it("a part named like the app is a part", () => {
    const named = validateSpec({
      ...shop,
      services: [...shop.services, { name: "shop", image: "acme/shop:1" }],
    });
    const r = interpretRules("remove the shop", { base: named });
    expect(r.action).toBe("deploy");
    expect(parts(r.spec)).toEqual(["api", "redis"]);
  });

  it("adding to the app still adds, and what no longer is needed still goes", () => {
    const added = interpretRules("add a worker to the shop", { base: shop });
    expect(parts(added.spec)).toEqual(["api", "worker", "redis"]);
    const r = interpretRules("the worker is no longer needed", { base });
    expect(parts(r.spec)).toEqual(parts(base).filter((p) => p !== "worker"));
  });
});
