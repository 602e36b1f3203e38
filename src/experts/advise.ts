/**
 * `codeploy plan --advise`: the reviewed plan, summarised in words, put to
 * the circle; the consensus and its recommendations are printed beside the plan.
 */
import type { ReviewedPlan } from "../review/index.js";
import type { DeploymentSpec } from "../spec/schema.js";
import { askCircle, type CircleOptions } from "./circle.js";
import type { Consultation } from "./types.js";

/** What advice reads of a plan: the reviewed plan itself, or its JSON answer with the spec. */
export type AdvisedPlan =
  | ReviewedPlan
  | {
      readonly spec: DeploymentSpec;
      readonly steps: readonly { readonly id: string; readonly action: string }[];
      readonly cost: { readonly monthlyUsd: number };
      readonly findings: readonly {
        readonly severity: string;
        readonly id: string;
        readonly message: string;
      }[];
    };

/** A compact, deterministic description of the plan: enough for advice, no secrets (env values are left out). */
export function planSummary(review: AdvisedPlan): string {
  const { spec, cost, findings } = review;
  const plan = { steps: "plan" in review ? review.plan.steps : review.steps };
  const lines = [
    `App ${spec.name} in ${spec.environment}, target ${spec.target}, cloud ${spec.cloud}${spec.region ? ` ${spec.region}` : ""}.`,
    `Services: ${spec.services.map((s) => `${s.name} (${s.kind}, ${s.replicas} replica(s)${s.image ? `, image ${s.image}` : ""}${s.public ? ", public" : ""})`).join("; ") || "none"}.`,
    `Data: ${[...spec.databases.map((d) => `${d.engine} ${d.name}${d.highAvailability ? " HA" : ""}${d.backups ? " with backups" : ""}`), ...spec.caches.map((c) => `${c.engine} ${c.name}`), ...spec.queues.map((q) => `${q.engine} ${q.name}`), ...spec.buckets.map((b) => `bucket ${b.name}${b.public ? " (public)" : ""}`)].join("; ") || "none"}.`,
    `Steps (${plan.steps.length}): ${plan.steps.map((s) => `${s.action} ${s.id}`).join(", ")}.`,
    `Estimated cost: $${cost.monthlyUsd.toFixed(2)} a month.`,
    `Policy findings: ${findings.map((f) => `${f.severity} ${f.id}: ${f.message}`).join("; ") || "none"}.`,
  ];
  return lines.join("\n");
}

export function advicePrompt(review: AdvisedPlan): string {
  return `Review this deployment plan. What are its main risks, and what would you change before deploying it?\n\n${planSummary(review)}`;
}

export function adviseOnPlan(review: AdvisedPlan, circleOptions: CircleOptions): Promise<Consultation> {
  return askCircle(advicePrompt(review), circleOptions);
}
