import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { SpecValidationError } from "../core/errors.js";
import { deploymentSpecJsonSchema } from "./json-schema.js";
import { parseSpecText } from "./parse.js";
import { checkSpec, formatPath, validateSpec } from "./validate.js";

const examples = resolve(import.meta.dirname, "../../test/fixtures/examples");

describe("DeploymentSpec defaults", () => {
  it("fills the contract's defaults for an empty document", () => {
    expect(validateSpec({})).toEqual({
      name: "app",
      environment: "dev",
      target: "docker",
      cloud: "local",
      services: [],
      databases: [],
      caches: [],
      queues: [],
      buckets: [],
      monitoring: { enabled: false },
    });
  });

  it("derives replicas, backups and monitoring from the environment", () => {
    const prod = validateSpec({
      environment: "production",
      services: [{ name: "web" }, { name: "jobs", kind: "worker" }],
      databases: [{ name: "pg", engine: "postgres" }],
    });
    expect(prod.services.map((s) => [s.replicas, s.public, s.tls])).toEqual([
      [2, true, false],
      [2, false, false],
    ]);
    expect(prod.databases[0]).toMatchObject({ storageGb: 10, highAvailability: false, backups: true });
    expect(prod.monitoring.enabled).toBe(true);
    const dev = validateSpec({ services: [{ name: "web", domain: "a.example.com" }] });
    expect(dev.services[0]).toMatchObject({ replicas: 1, tls: true, env: {}, dependsOn: [] });
  });

  it("keeps what a person wrote over the defaults", () => {
    const spec = validateSpec({
      environment: "production",
      services: [{ name: "web", replicas: 0, public: false, tls: false }],
      monitoring: { enabled: false },
    });
    expect(spec.services[0]).toMatchObject({ replicas: 0, public: false, tls: false });
    expect(spec.monitoring.enabled).toBe(false);
  });
});

describe("DeploymentSpec errors", () => {
  it("lists every problem with its path", () => {
    const result = checkSpec({
      services: [{ name: "web" }, { name: "api", replicas: -1, port: 70000 }],
      target: "nomad",
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual(
      expect.arrayContaining([
        { path: "services[1].replicas", message: "must be >= 0" },
        { path: "services[1].port", message: "must be <= 65535" },
        { path: "target", message: "must be one of: docker, kubernetes, terraform" },
      ]),
    );
  });

  it("names unknown fields and wrong types", () => {
    const result = checkSpec({ name: "shop", servces: [], services: [{ name: "web", replicas: "three" }] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toContainEqual({ path: "", message: 'unknown field "servces"' });
    expect(result.issues).toContainEqual({
      path: "services[0].replicas",
      message: 'must be number, got a string ("three")',
    });
  });

  it("checks references, duplicates, schedules and regions after the fields parse", () => {
    const result = checkSpec({
      cloud: "gcp",
      region: "us-east-1",
      services: [
        { name: "web", dependsOn: ["postgres", "ghost"] },
        { name: "report", kind: "cron" },
        { name: "tick", kind: "cron", schedule: "0 25 * * *" },
      ],
      databases: [{ name: "postgres", engine: "postgres" }],
      caches: [{ name: "postgres", engine: "redis" }],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["services[2].schedule"]));
    const second = checkSpec({
      cloud: "gcp",
      region: "us-east-1",
      services: [
        { name: "web", dependsOn: ["postgres", "ghost"] },
        { name: "report", kind: "cron" },
      ],
      databases: [{ name: "postgres", engine: "postgres" }],
      caches: [{ name: "postgres", engine: "redis" }],
    });
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining([
        "caches[0].name",
        "services[0].dependsOn[1]",
        "services[1].schedule",
        "region",
      ]),
    );
    expect(second.issues.find((i) => i.path === "region")?.message).toBe(
      '"us-east-1" is not a known gcp region',
    );
  });

  it("throws a SpecValidationError whose message lists path: message lines", () => {
    expect(() => validateSpec({ services: [{ name: "Web App" }] })).toThrow(SpecValidationError);
    expect(() => validateSpec({ services: [{ name: "Web App" }] })).toThrow(
      /services\[0\]\.name: must be kebab-case/,
    );
  });

  it("reports YAML syntax errors with line and column", () => {
    expect(() => parseSpecText("name: shop\nservices: [\n  - x", "bad.yaml")).toThrow(
      /^bad\.yaml:\d+:\d+: invalid YAML/,
    );
  });
});

describe("formatPath", () => {
  it("prints array indexes in brackets and odd keys quoted", () => {
    expect(formatPath(["services", 1, "replicas"])).toBe("services[1].replicas");
    expect(formatPath(["services", 0, "env", "LOG_LEVEL"])).toBe("services[0].env.LOG_LEVEL");
    expect(formatPath(["env", "a b"])).toBe('env["a b"]');
  });
});

describe("shared examples and the JSON Schema", () => {
  it("accepts the rich production example", () => {
    const spec = parseSpecText(readFileSync(resolve(examples, "rich-prod.yaml"), "utf8"));
    expect(spec.services.map((s) => s.name)).toEqual(["web", "worker", "report"]);
    expect(spec.databases[0]?.highAvailability).toBe(true);
  });

  it("exports a JSON Schema that names every contract field", () => {
    const schema = deploymentSpecJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties).sort()).toEqual(
      [
        "budget",
        "buckets",
        "caches",
        "cloud",
        "databases",
        "environment",
        "monitoring",
        "name",
        "queues",
        "region",
        "services",
        "target",
      ].sort(),
    );
    const text = JSON.stringify(schema);
    for (const field of [
      "replicas",
      "healthCheck",
      "autoscale",
      "targetCpuPercent",
      "storageGb",
      "highAvailability",
      "dependsOn",
    ]) {
      expect(text).toContain(`"${field}"`);
    }
  });
});
