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
