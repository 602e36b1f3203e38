import { describe, expect, it } from "vitest";
import {
  compose,
  composeService,
  deployment,
  kube,
  kubeService,
  resource,
  terraform,
} from "./__fixtures__/artifacts.js";
import { ARTIFACT_CASES } from "./__fixtures__/rule-cases-artifacts.js";
import { SPEC_CASES } from "./__fixtures__/rule-cases-spec.js";
import { DIGEST, envWeb, prod, prodWeb, withEnv } from "./__fixtures__/specs.js";
import { builtinRules } from "./builtin.js";
import { runPolicy } from "./run.js";
import type { PolicyRule } from "./types.js";

const CASES = { ...SPEC_CASES, ...ARTIFACT_CASES };
const PREFIX = { security: "SEC", reliability: "REL", cost: "COST", operations: "OPS" } as const;

function ruleById(id: string): PolicyRule {
  const rule = builtinRules.find((r) => r.id === id);
  if (!rule) throw new Error(`no built-in rule ${id}`);
  return rule;
}

describe("the built-in rule registry", () => {
  it("has at least 25 rules with unique, well-formed ids in id order", () => {
    const ids = builtinRules.map((r) => r.id);
    expect(ids.length).toBeGreaterThanOrEqual(25);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of builtinRules) {
      expect(rule.id).toMatch(new RegExp(`^CODE-${PREFIX[rule.category]}-\\d{3}$`));
      expect(rule.title.length).toBeGreaterThan(5);
      expect(rule.description.length).toBeGreaterThan(20);
    }
  });

  it("has fail/pass fixtures for every rule, and no fixtures for rules that do not exist", () => {
    expect(Object.keys(CASES).sort()).toEqual(builtinRules.map((r) => r.id).sort());
  });
});

describe.each(Object.entries(CASES))("%s", (id, cases) => {
  const rule = ruleById(id);
  it.each(cases.map((c) => [c.label, c] as const))("%s", (_label, c) => {
    const failed = runPolicy(c.fail, [rule]);
    expect(failed.map((f) => f.path)).toContain(c.path);
    const finding = failed.find((f) => f.path === c.path);
    expect(finding).toMatchObject({ id, severity: c.severity ?? rule.severity });
    expect(finding?.message.length).toBeGreaterThan(10);
    expect(finding?.hint.length).toBeGreaterThan(10);
    expect(runPolicy(c.pass, [rule])).toEqual([]);
  });
});

describe("a clean deployment", () => {
  it("gets no finding from any rule, on the spec alone", () => {
    expect(runPolicy({ spec: prod(), cost: { monthlyUsd: 400 } })).toEqual([]);
  });

  it("gets no finding from any rule with hardened artifacts of every target", () => {
    const spec = prod({ caches: [{ name: "redis", engine: "redis", image: `redis:8-alpine@${DIGEST}` }] });
    const artifacts = [
      kube(deployment(), kubeService("web", "LoadBalancer"), kubeService("redis", "ClusterIP", 6379)),
      compose({ web: composeService(), redis: composeService({ ports: undefined }) }),
      terraform(
        resource("aws_db_instance", "postgres", { storage_encrypted: true, publicly_accessible: false }),
      ),
    ];
    for (const a of artifacts) expect(runPolicy({ spec, artifacts: a })).toEqual([]);
  });
});

describe("secret findings", () => {
  it("never repeat the secret value in message, hint or path", () => {
    const values = {
      DB_PASSWORD: "hunter2-correct-horse",
      UPLOAD_CONFIG: "AKIAIOSFODNN7EXAMPLE",
      DATABASE_URL: "postgres://app:pa55w0rd-xyz@db/shop",
    };
    const findings = runPolicy({ spec: withEnv(values) });
    const ids = findings.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(["CODE-SEC-005", "CODE-SEC-006", "CODE-SEC-007"]));
    const text = JSON.stringify(findings);
    for (const secret of ["hunter2-correct-horse", "AKIAIOSFODNN7EXAMPLE", "pa55w0rd-xyz"])
      expect(text).not.toContain(secret);
  });

  it("report one finding per variable: names, patterns and URLs do not overlap", () => {
    const findings = runPolicy({
      spec: withEnv({ API_TOKEN: "AKIAIOSFODNN7EXAMPLE", DB_URL_PASSWORD: "x" }),
    });
    const secretFindings = findings.filter((f) => /CODE-SEC-00[567]/.test(f.id));
    expect(secretFindings.map((f) => `${f.id} ${f.path}`)).toEqual([
      "CODE-SEC-005 services[0].env.API_TOKEN",
      "CODE-SEC-005 services[0].env.DB_URL_PASSWORD",
    ]);
  });
});

describe("overlapping rules", () => {
  it("a domain without TLS is CODE-SEC-003 in production and CODE-SEC-004 elsewhere, never both", () => {
    const inProd = runPolicy({ spec: prodWeb({ tls: false }) }).map((f) => f.id);
    expect(inProd).toContain("CODE-SEC-003");
    expect(inProd).not.toContain("CODE-SEC-004");
    const inStaging = runPolicy({ spec: envWeb("staging", { tls: false }) }).map((f) => f.id);
    expect(inStaging).toContain("CODE-SEC-004");
    expect(inStaging).not.toContain("CODE-SEC-003");
  });

  it("a single replica without autoscaling is CODE-REL-001; autoscaling down to 1 is CODE-REL-008", () => {
    const single = runPolicy({ spec: prodWeb({ replicas: 1 }) }).map((f) => f.id);
    expect(single).toContain("CODE-REL-001");
    const scaled = runPolicy({
      spec: prodWeb({ replicas: 1, autoscale: { min: 1, max: 4, targetCpuPercent: 70 } }),
    });
    expect(scaled.map((f) => f.id)).toEqual(["CODE-REL-008"]);
  });

  it("judges health checks and limits on rendered workloads when there are some, else on the spec", () => {
    const spec = prodWeb({ healthCheck: undefined, resources: undefined });
    const ids = (artifacts?: ReturnType<typeof kube>) =>
      runPolicy({ spec, artifacts })
        .filter((f) => /CODE-REL-00[45]/.test(f.id))
        .map((f) => `${f.id} ${f.path}`);
    expect(ids()).toEqual(["CODE-REL-004 services[0].healthCheck", "CODE-REL-005 services[0].resources"]);
    expect(ids(kube(kubeService("web")))).toEqual(ids());
    expect(ids(kube(deployment()))).toEqual([]);
  });
});
