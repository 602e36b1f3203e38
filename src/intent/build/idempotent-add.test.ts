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

const amend = (text: string) => interpretRules(text, { base });
const names = (spec: DeploymentSpec) => ({
  services: spec.services.map((s) => s.name),
  caches: spec.caches.map((c) => c.name),
  databases: spec.databases.map((d) => d.name),
});

describe("adding what exists changes nothing and says so", () => {
  it.each([
    ["add a redis cache", "redis is already there"],
    ["add a cache", "redis is already there"],
    ["add a postgres database to the shop", "postgres is already there"],
    ["add a worker", "worker is already there"],
    ["add nginx", "web is already there"],
    ["add a service called web", "web is already there"],
  ])("%s", (text, note) => {
    const r = amend(text);
    expect(names(r.spec)).toEqual(names(base));
    expect(r.assumptions.some((a) => a.startsWith(note))).toBe(true);
    expect(r.spec.services.find((s) => s.name === "web")?.image).toBe("nginx:1.27");
  });

  it('adds a second one when the words say "another" or describe a new job', () => {
    expect(names(amend("add another redis cache").spec).caches).toEqual(["redis", "redis-2"]);
    expect(names(amend("add another cache").spec).caches).toEqual(["redis", "redis-2"]);
    expect(names(amend("add another worker").spec).services).toEqual(["web", "worker", "worker-2"]);
    expect(names(amend("add a worker that sends emails").spec).services).toHaveLength(3);
    expect(names(amend("add a memcached cache").spec).caches).toEqual(["redis", "memcached"]);
  });

  it("a new tag of the image a service runs updates it instead of adding one", () => {
    const r = amend("add nginx:1.28");
    expect(names(r.spec)).toEqual(names(base));
    expect(r.spec.services.find((s) => s.name === "web")?.image).toBe("nginx:1.28");
    expect(r.assumptions).toContain("web already runs nginx: its image is now nginx:1.28");
  });

  it("without a base, an add is just a deploy", () => {
    expect(interpretRules("add a redis cache").spec.caches.map((c) => c.name)).toEqual(["redis"]);
  });
});
