import { describe, expect, it } from "vitest";
import { ConfigError, PolicyError } from "../core/errors.js";
import { prod, prodDb, prodWeb } from "./__fixtures__/specs.js";
import { builtinRules } from "./builtin.js";
import { PolicyRuleError } from "./errors.js";
import { assertNoErrors, runPolicy } from "./run.js";
import type { PolicyInput, PolicyRule, RuleFinding } from "./types.js";

const RANK = { error: 0, warning: 1, info: 2 } as const;

/** Many findings of all severities: no TLS, 1 replica, no backups, no HA, small disk, no monitoring... */
const messy: PolicyInput = {
  spec: prod({
    services: [
      { name: "web", image: "nginx", replicas: 1, public: true, tls: false, env: { API_KEY: "x1" } },
      { name: "api", image: "ghcr.io/acme/api:2.0", replicas: 1, public: true, tls: false },
    ],
    databases: [{ name: "postgres", engine: "postgres", backups: false }],
    monitoring: { enabled: false },
    budget: undefined,
  }),
};

/** Lets a test hand a rule's output that breaks the types, as third-party JavaScript can. */
function smuggle<T>(value: unknown): T {
  return value as T;
}

function rule(id: string, check: (input: PolicyInput) => Iterable<RuleFinding>): PolicyRule {
  return {
    id,
    severity: "warning",
    title: id,
    description: `test rule ${id}`,
    category: "operations",
    check,
  };
}

describe("runPolicy order", () => {
  it("sorts by severity, then id, then path", () => {
    const findings = runPolicy(messy);
    expect(findings.length).toBeGreaterThan(10);
    expect(new Set(findings.map((f) => f.severity))).toEqual(new Set(["error", "warning", "info"]));
    const keys = findings.map((f) => `${RANK[f.severity]} ${f.id} ${f.path}`);
    expect(keys).toEqual([...keys].sort());
    expect(findings.slice(0, 3).map((f) => `${f.id} ${f.path}`)).toEqual([
      "CODE-OPS-001 monitoring.enabled",
      "CODE-REL-001 services[0].replicas",
      "CODE-REL-001 services[1].replicas",
    ]);
  });

  it("gives the same list whatever the order of the rules", () => {
    const reversed = [...builtinRules].reverse();
    const rotated = [...builtinRules.slice(17), ...builtinRules.slice(0, 17)];
    const first = runPolicy(messy);
    expect(runPolicy(messy, reversed)).toEqual(first);
    expect(runPolicy(messy, rotated)).toEqual(first);
  });

  it("orders by path with code units, not the locale (Z before a)", () => {
    const r = rule("T-1", () => [
      { path: "a", message: "m", hint: "h" },
      { path: "Z", message: "m", hint: "h" },
    ]);
    expect(runPolicy(messy, [r]).map((f) => f.path)).toEqual(["Z", "a"]);
  });
});

describe("runPolicy options", () => {
  it("skips disabled rules", () => {
    const ids = runPolicy(messy, builtinRules, { disabled: ["CODE-REL-001", "CODE-OPS-001"] }).map(
      (f) => f.id,
    );
    expect(ids).not.toContain("CODE-REL-001");
    expect(ids).not.toContain("CODE-OPS-001");
    expect(ids).toContain("CODE-REL-002");
  });

  it("replaces the severity of every finding of an overridden rule, including per-finding severities", () => {
    const spec = prodDb({ backups: false });
    const overridden = runPolicy({ spec }, builtinRules, { severityOverrides: { "CODE-REL-002": "info" } });
    expect(overridden.find((f) => f.id === "CODE-REL-002")?.severity).toBe("info");
    const dev = prod({ environment: "dev", buckets: [{ name: "files", public: true }] });
    const raised = runPolicy({ spec: dev }, builtinRules, { severityOverrides: { "CODE-SEC-001": "error" } });
    expect(raised.find((f) => f.id === "CODE-SEC-001")?.severity).toBe("error");
    expect(runPolicy({ spec: dev }).find((f) => f.id === "CODE-SEC-001")?.severity).toBe("warning");
  });

  it("refuses unknown rule ids and bad severities as configuration errors", () => {
    expect(() => runPolicy(messy, builtinRules, { disabled: ["CODE-SEC-999"] })).toThrow(ConfigError);
    expect(() => runPolicy(messy, builtinRules, { severityOverrides: { "CODE-NOPE": "info" } })).toThrow(
      /unknown policy rule id: CODE-NOPE/,
    );
    const bad = smuggle<Record<string, "info">>({ "CODE-SEC-001": "fatal" });
    expect(() => runPolicy(messy, builtinRules, { severityOverrides: bad })).toThrow(
      /must be error, warning or info/,
    );
  });

  it("refuses two rules with the same id", () => {
    const twice = [...builtinRules, rule("CODE-SEC-001", () => [])];
    expect(() => runPolicy(messy, twice)).toThrow(/two policy rules share the id CODE-SEC-001/);
  });
});

describe("runPolicy with misbehaving rules", () => {
  it("wraps a rule that throws in a PolicyRuleError naming the rule", () => {
    const boom = rule("ACME-1", () => {
      throw new TypeError("cannot read x");
    });
    const error = (() => {
      try {
        runPolicy(messy, [boom]);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(PolicyRuleError);
    expect(error).toMatchObject({
      code: "POLICY_RULE",
      ruleId: "ACME-1",
      message: "policy rule ACME-1: failed while checking: cannot read x",
    });
  });

  it("refuses findings without strings, bad severities and asynchronous checks", () => {
    const noHint = rule("ACME-2", () => [{ path: "x", message: "m", hint: smuggle<string>(undefined) }]);
    expect(() => runPolicy(messy, [noHint])).toThrow(/hint is not a string/);
    const loud = rule("ACME-3", () => [
      { path: "x", message: "m", hint: "h", severity: smuggle<"info">("fatal") },
    ]);
    expect(() => runPolicy(messy, [loud])).toThrow(/severity "fatal"/);
    const asyncRule = rule("ACME-4", () => smuggle<RuleFinding[]>(Promise.resolve([])));
    expect(() => runPolicy(messy, [asyncRule])).toThrow(/must return an array or a generator/);
  });
});

describe("assertNoErrors", () => {
  it("passes warnings and throws a PolicyError listing every error", () => {
    expect(() => assertNoErrors(runPolicy({ spec: prodWeb({ healthCheck: undefined }) }))).not.toThrow();
    const findings = runPolicy(messy);
    const errors = findings.filter((f) => f.severity === "error");
    try {
      assertNoErrors(findings);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PolicyError);
      const message = (e as PolicyError).message;
      expect(message).toContain(`(${errors.length} errors)`);
      expect(message).toContain(
        'services[0].replicas: service "web" runs a single replica in production [CODE-REL-001]',
      );
      expect((e as PolicyError).details).toEqual(errors);
    }
  });
});
