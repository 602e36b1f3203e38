/**
 * The policy contract: rules read a spec (and, when given, its rendered
 * artifacts and cost estimate) and return findings. Built-in and custom rules
 * share this one interface.
 */
import type { RenderResult } from "../render/types.js";
import type { DeploymentSpec } from "../spec/schema.js";

export const SEVERITIES = ["error", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const RULE_CATEGORIES = ["security", "reliability", "cost", "operations"] as const;
export type RuleCategory = (typeof RULE_CATEGORIES)[number];

export interface Finding {
  readonly id: string;
  readonly severity: Severity;
  readonly message: string;
  /** Where: `services[0].image` in the spec, or `artifact:<file>#<location>` in the rendered output. */
  readonly path: string;
  readonly hint: string;
}

export interface PolicyInput {
  readonly spec: DeploymentSpec;
  /** The rendered artifacts; artifact rules stay silent without them. */
  readonly artifacts?: RenderResult;
  /** The monthly estimate; budget rules stay silent without it. */
  readonly cost?: { readonly monthlyUsd: number };
}

/** What a rule's check yields: a finding without its id, and a severity only when it differs from the rule's. */
export type RuleFinding = Omit<Finding, "id" | "severity"> & { readonly severity?: Severity };

export interface PolicyRule {
  /** `CODE-SEC-001` style for built-ins; custom rules use their own prefix. */
  readonly id: string;
  /** The default severity; a check may lower or raise it per finding (such as outside production). */
  readonly severity: Severity;
  readonly title: string;
  readonly description: string;
  readonly category: RuleCategory;
  check(input: PolicyInput): Iterable<RuleFinding>;
}

export interface PolicyOptions {
  /** Rule ids to skip. @default [] */
  readonly disabled?: readonly string[];
  /** Severity per rule id, replacing what the rule says. @default {} */
  readonly severityOverrides?: Readonly<Record<string, Severity>>;
}
