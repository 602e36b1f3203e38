/**
 * Review of a saved Terraform plan before it is applied: every change by
 * address, deletes and replaces called out, and CODE's policy rules over the
 * planned resource values (the same artifact rules that check rendered
 * modules: unencrypted storage, public buckets, open firewalls...).
 */
import { type Finding, type PolicyRule, runPolicy, type Severity } from "../../policy/index.js";
import { formatDiff, plannedBlocks, summarizeDiff } from "../../providers/terraform/plan-diff.js";
import type { SavedPlan } from "../../providers/terraform/wrapper.js";
import type { DeploymentSpec } from "../../spec/schema.js";

export interface TerraformReviewOptions {
  readonly rules?: readonly PolicyRule[];
  readonly disabledRules?: readonly string[];
  readonly severityOverrides?: Readonly<Record<string, Severity>>;
  /** Production workspaces make deletes and replaces errors unless accepted. */
  readonly production: boolean;
}

function changeFindings(saved: SavedPlan, production: boolean): Finding[] {
  if (saved.destroy) {
    if (saved.diff.deletes.length === 0) return [];
    return [
      {
        id: "CODE-TF-003",
        severity: "warning",
        message: `destroys all ${saved.diff.deletes.length} resource(s) of workspace ${saved.workspace}`,
        path: `terraform:${saved.workspace}`,
        hint: "this is a destroy plan: everything listed above goes away",
      },
    ];
  }
  const severity: Severity = production ? "error" : "warning";
  const deletes = saved.diff.deletes.map((address) => ({
    id: "CODE-TF-001",
    severity,
    message: `${address} will be destroyed`,
    path: `terraform:${address}`,
    hint: "check that the resource is meant to go (a renamed resource needs a `moved` block, not a delete)",
  }));
  const replaces = saved.diff.changes
    .filter((c) => c.kind === "replace")
    .map((c) => ({
      id: "CODE-TF-002",
      severity,
      message: `${c.address} will be replaced: destroyed, then created again${c.reason ? ` (${c.reason.replaceAll("_", " ")})` : ""}; data in it is lost`,
      path: `terraform:${c.address}`,
      hint: "change the argument that forces the replacement, or accept the loss with --accept-risk",
    }));
  return [...deletes, ...replaces];
}

/** Findings about a saved plan: its deletes and replaces, and policy's artifact rules over the planned values. */
export function reviewTerraformPlan(
  saved: SavedPlan,
  spec: DeploymentSpec,
  options: TerraformReviewOptions,
): Finding[] {
  const artifacts = { target: "terraform" as const, files: [], terraform: plannedBlocks(saved.diff) };
  const policy = runPolicy({ spec, artifacts }, options.rules, {
    ...(options.disabledRules ? { disabled: options.disabledRules } : {}),
    ...(options.severityOverrides ? { severityOverrides: options.severityOverrides } : {}),
  }).filter((f) => f.path.startsWith("artifact:"));
  return [...changeFindings(saved, options.production), ...policy];
}

/** The plan for people: changes by address, the count, the findings. */
export function formatTerraformPlan(
  saved: SavedPlan,
  findings: readonly Finding[],
  shownDir: string,
): string {
  const lines = [
    `Terraform ${saved.destroy ? "destroy plan" : "plan"} for ${shownDir} (workspace ${saved.workspace}, state: ${saved.backend})`,
  ];
  const changes = formatDiff(saved.diff);
  lines.push(...(changes.length > 0 ? changes.map((c) => `  ${c}`) : ["  no changes"]));
  if (saved.diff.outputChanges.length > 0)
    lines.push(`  outputs changed: ${saved.diff.outputChanges.join(", ")}`);
  lines.push(`Plan: ${summarizeDiff(saved.diff)}.`);
  if (findings.length > 0) {
    lines.push("Findings:");
    for (const f of findings) lines.push(`  ${f.severity} ${f.id} ${f.message}\n    hint: ${f.hint}`);
  }
  return `${lines.join("\n")}\n`;
}
