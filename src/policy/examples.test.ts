/** The acceptance examples in ../shared/examples: risky-prod must be refused for each of its problems, rich-prod must pass. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseSpecText } from "../spec/parse.js";
import { hasErrors, runPolicy } from "./run.js";
import type { Finding, Severity } from "./types.js";

const EXAMPLES = fileURLToPath(new URL("../../test/fixtures/examples/", import.meta.url));
const exampleSpec = (name: string) => parseSpecText(readFileSync(`${EXAMPLES}${name}`, "utf8"), name);
const brief = (findings: readonly Finding[]) => findings.map((f) => `${f.severity} ${f.id} ${f.path}`);

describe("risky-prod.yaml", () => {
  // An estimate of any real size: the example's $5 budget cannot cover one node.
  const findings = () => runPolicy({ spec: exampleSpec("risky-prod.yaml"), cost: { monthlyUsd: 61.32 } });

  const expected: ReadonlyArray<readonly [string, Severity, string, string]> = [
    ["CODE-REL-006", "error", "services[0].image", "nginx:latest"],
    ["CODE-REL-001", "error", "services[0].replicas", "1 replica in production"],
    ["CODE-SEC-003", "error", "services[0].tls", "public without TLS"],
    ["CODE-SEC-005", "error", "services[0].env.DB_PASSWORD", "literal DB_PASSWORD"],
    ["CODE-SEC-005", "error", "services[0].env.API_TOKEN", "literal API_TOKEN"],
    ["CODE-REL-002", "error", "databases[0].backups", "no backups"],
    ["CODE-REL-003", "warning", "databases[0].highAvailability", "no HA"],
    ["CODE-SEC-001", "error", "buckets[0].public", "public bucket"],
    ["CODE-OPS-001", "error", "monitoring.enabled", "monitoring off in production"],
    ["CODE-COST-001", "error", "budget.monthlyUsd", "$5 budget exceeded"],
    ["CODE-REL-004", "warning", "services[0].healthCheck", "no health check"],
    ["CODE-REL-005", "warning", "services[0].resources", "no resource limits"],
    ["CODE-OPS-004", "warning", "services[0].domain", "public without a domain"],
    ["CODE-REL-010", "info", "databases[0].storageGb", "10 GB database"],
    ["CODE-SEC-018", "info", "databases[0].image", "postgres image by tag"],
    ["CODE-SEC-018", "info", "buckets", "MinIO images by tag"],
  ];

  it.each(expected)("%s (%s) at %s: %s", (id, severity, path) => {
    expect(brief(findings())).toContain(`${severity} ${id} ${path}`);
  });

  it("is refused, and has no finding beyond the expected ones", () => {
    const all = findings();
    expect(hasErrors(all)).toBe(true);
    expect(brief(all).sort()).toEqual(
      expected.map(([id, severity, path]) => `${severity} ${id} ${path}`).sort(),
    );
  });

  it("names the secrets without their values and gives both budget figures", () => {
    const all = findings();
    expect(JSON.stringify(all)).not.toMatch(/hunter2|abc123secret/);
    expect(all.find((f) => f.id === "CODE-COST-001")?.message).toBe(
      "the estimate of $61.32/month exceeds the budget of $5.00/month",
    );
  });
});

describe("rich-prod.yaml", () => {
  it("has no error, with or without an estimate within its budget", () => {
    const spec = exampleSpec("rich-prod.yaml");
    expect(hasErrors(runPolicy({ spec }))).toBe(false);
    expect(hasErrors(runPolicy({ spec, cost: { monthlyUsd: 1200 } }))).toBe(false);
  });

  it("gets only the honest remarks: workers without limits and tags without digests (its data services too)", () => {
    expect(brief(runPolicy({ spec: exampleSpec("rich-prod.yaml") }))).toEqual([
      "warning CODE-REL-005 services[1].resources",
      "warning CODE-REL-005 services[2].resources",
      "info CODE-SEC-018 buckets",
      "info CODE-SEC-018 caches[0].image",
      "info CODE-SEC-018 databases[0].image",
      "info CODE-SEC-018 queues[0].image",
      "info CODE-SEC-018 services[0].image",
      "info CODE-SEC-018 services[1].image",
      "info CODE-SEC-018 services[2].image",
    ]);
  });
});
