/** Runs rules over an input and returns findings in one deterministic order. */
import { ConfigError, PolicyError } from "../core/errors.js";
import { builtinRules } from "./builtin.js";
import { PolicyRuleError } from "./errors.js";
import {
  type Finding,
  type PolicyInput,
  type PolicyOptions,
  type PolicyRule,
  type RuleFinding,
  SEVERITIES,
  type Severity,
} from "./types.js";
import { isRecord } from "./util.js";

const RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

function compareText(a: string, b: string): number {
  // Code-unit order, not localeCompare: the same on every machine.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Severity (error, warning, info), then id, then path, then message. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    RANK[a.severity] - RANK[b.severity] ||
    compareText(a.id, b.id) ||
    compareText(a.path, b.path) ||
    compareText(a.message, b.message)
  );
}

export function isSeverity(value: unknown): value is Severity {
  return SEVERITIES.some((s) => s === value);
}

function checkOptions(rules: readonly PolicyRule[], options: PolicyOptions): void {
  const known = new Set<string>();
  for (const rule of rules) {
    if (known.has(rule.id)) throw new ConfigError(`two policy rules share the id ${rule.id}`);
    known.add(rule.id);
  }
  const named = [...(options.disabled ?? []), ...Object.keys(options.severityOverrides ?? {})];
  const unknown = named.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new ConfigError(`unknown policy rule id${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`, {
      hint: "check the rule ids named in codeploy.yaml; a custom rule id needs its module loaded too",
    });
  }
  for (const [id, severity] of Object.entries(options.severityOverrides ?? {})) {
    if (!isSeverity(severity)) {
      throw new ConfigError(
        `policy severity for ${id} must be error, warning or info, got ${JSON.stringify(severity)}`,
      );
    }
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Rules can be third-party code: what they yield is checked before it becomes a Finding. */
function toFinding(rule: PolicyRule, raw: RuleFinding, override: Severity | undefined): Finding {
  if (!isRecord(raw)) throw new PolicyRuleError(rule.id, "yielded something that is not a finding object");
  for (const key of ["path", "message", "hint"] as const) {
    if (typeof raw[key] !== "string")
      throw new PolicyRuleError(rule.id, `yielded a finding whose ${key} is not a string`);
  }
  if (raw.severity !== undefined && !isSeverity(raw.severity)) {
    throw new PolicyRuleError(rule.id, `yielded the severity ${JSON.stringify(raw.severity)}`);
  }
  const severity = override ?? raw.severity ?? rule.severity;
  return { id: rule.id, severity, message: raw.message, path: raw.path, hint: raw.hint };
}

function runRule(rule: PolicyRule, input: PolicyInput, override: Severity | undefined): Finding[] {
  let produced: RuleFinding[];
  try {
    const result = rule.check(input);
    const value: unknown = result;
    if (value === null || typeof value !== "object" || !(Symbol.iterator in value)) {
      throw new PolicyRuleError(
        rule.id,
        "check() must return an array or a generator of findings (rules are synchronous)",
      );
    }
    produced = [...result];
  } catch (cause) {
    if (cause instanceof PolicyRuleError) throw cause;
    throw new PolicyRuleError(rule.id, `failed while checking: ${describeError(cause)}`, { cause });
  }
  return produced.map((raw) => toFinding(rule, raw, override));
}

/**
 * Runs every rule that is not disabled and returns the findings sorted by
 * severity, id, path and message. Pure: the same input gives the same list.
 */
export function runPolicy(
  input: PolicyInput,
  rules: readonly PolicyRule[] = builtinRules,
  options: PolicyOptions = {},
): Finding[] {
  checkOptions(rules, options);
  const disabled = new Set(options.disabled ?? []);
  const findings: Finding[] = [];
  for (const rule of rules) {
    if (disabled.has(rule.id)) continue;
    findings.push(...runRule(rule, input, options.severityOverrides?.[rule.id]));
  }
  return findings.sort(compareFindings);
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === "error");
}

/** Throws a PolicyError listing every error finding; warnings and info pass. */
export function assertNoErrors(findings: readonly Finding[]): void {
  const errors = findings.filter((f) => f.severity === "error");
  if (errors.length === 0) return;
  const lines = errors.map((f) => `${f.path}: ${f.message} [${f.id}]`);
  throw new PolicyError(
    `policy refused the plan (${errors.length} error${errors.length > 1 ? "s" : ""}):\n  ${lines.join("\n  ")}`,
    {
      hint: "fix the findings above, or disable or downgrade the rule in codeploy.yaml if the risk is accepted",
      details: errors,
    },
  );
}
