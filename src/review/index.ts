/**
 * The reviewed plan: what `codeploy plan` and `POST /v1/plan` show. One call
 * renders the artifacts, builds the step graph, prices the result and runs
 * policy over the spec, the artifacts and the estimate. Pure.
 */
import { type CostEstimate, estimateCost } from "../cost/index.js";
import { buildPlan, type Plan } from "../plan/index.js";
import {
  builtinRules,
  compareFindings,
  type Finding,
  type PolicyRule,
  runPolicy,
  type Severity,
} from "../policy/index.js";
import { render } from "../render/index.js";
import type { RenderOptions, RenderResult } from "../render/types.js";
import type { DeploymentSpec } from "../spec/schema.js";

export interface ReviewOptions {
  /** What runs now, to plan only the difference. @default nothing (everything is created) */
  readonly current?: DeploymentSpec;
  /** @default the built-in rules */
  readonly rules?: readonly PolicyRule[];
  readonly disabledRules?: readonly string[];
  readonly severityOverrides?: Readonly<Record<string, Severity>>;
  readonly render?: RenderOptions;
}

export interface ReviewedPlan {
  readonly spec: DeploymentSpec;
  readonly plan: Plan;
  readonly artifacts: RenderResult;
  readonly cost: CostEstimate;
  readonly findings: readonly Finding[];
  /** True when no finding has severity error. */
  readonly approved: boolean;
}

export function reviewPlan(spec: DeploymentSpec, options: ReviewOptions = {}): ReviewedPlan {
  const plan = buildPlan(spec, options.current);
  const artifacts = render(spec, options.render);
  const cost = estimateCost(spec);
  const findings = runPolicy({ spec, artifacts, cost }, options.rules ?? builtinRules, {
    ...(options.disabledRules ? { disabled: options.disabledRules } : {}),
    ...(options.severityOverrides ? { severityOverrides: options.severityOverrides } : {}),
  });
  return { spec, plan, artifacts, cost, findings, approved: !findings.some((f) => f.severity === "error") };
}

/**
 * Adds findings computed outside the pure review (Rego policies evaluated by
 * OPA at the edge, see policy/rego.ts): same order, same approval rule.
 */
export function withFindings(review: ReviewedPlan, extra: readonly Finding[]): ReviewedPlan {
  if (extra.length === 0) return review;
  const findings = [...review.findings, ...extra].sort(compareFindings);
  return { ...review, findings, approved: !findings.some((f) => f.severity === "error") };
}

/** The JSON shape of `codeploy plan --json` and the API's plan answer. */
export function planToJson(review: ReviewedPlan) {
  return {
    app: review.spec.name,
    environment: review.spec.environment,
    target: review.spec.target,
    approved: review.approved,
    steps: review.plan.steps.map((s) => ({
      id: s.id,
      kind: s.kind,
      action: s.action,
      dependsOn: [...s.dependsOn],
      description: s.description,
    })),
    levels: review.plan.levels,
    cost: {
      monthlyUsd: review.cost.monthlyUsd,
      currency: review.cost.currency,
      items: review.cost.items,
      assumptions: review.cost.assumptions,
    },
    findings: review.findings,
    artifacts: review.artifacts.files.map((f) => f.path),
  };
}

export type PlanJson = ReturnType<typeof planToJson>;
