import { reviewWithRego } from "../../review/edge.js";
import { planToJson, type ReviewedPlan } from "../../review/index.js";
import { requireSecretScope } from "../../spec/secret-scope.js";
import { EXIT_OK, EXIT_REFUSED } from "../exit.js";
import { resolveSpecInput } from "../input.js";
import { type CliIo, printJson } from "../io.js";
import { secretSeed } from "../secret-seed.js";
import { loadCliConfig, policySettings, secretAccess } from "../settings.js";

export interface PlanFlags {
  readonly target?: string;
  readonly json?: boolean;
  readonly acceptRisk?: boolean;
  readonly advise?: boolean;
  readonly config?: string;
  /** --base FILE: the words amend this spec. */
  readonly base?: string;
}

export async function planCommand(io: CliIo, input: string, flags: PlanFlags): Promise<number> {
  const config = await loadCliConfig(io, flags.config);
  const resolved = await resolveSpecInput(
    io,
    input,
    flags.target,
    flags.config,
    flags.base ? { base: flags.base } : {},
  );
  requireSecretScope(resolved.spec, secretAccess(io, config));
  const review = await reviewWithRego(resolved.spec, {
    ...(await policySettings(config)),
    render: { secretSeed: await secretSeed(io) },
  });
  const refused = !review.approved && !flags.acceptRisk;
  const advise = flags.advise ? (await import("./experts-run.js")).adviseFromCli : undefined;
  if (flags.json) {
    const advice = advise ? await advise(io, config, review, true) : undefined;
    printJson(io, {
      ...planToJson(review),
      ...(advice !== undefined ? { advice } : {}),
      ...(resolved.request
        ? { request: resolved.request, assumptions: resolved.assumptions, questions: resolved.questions }
        : {}),
    });
    return refused ? EXIT_REFUSED : EXIT_OK;
  }
  for (const a of resolved.assumptions) io.stderr(`assumed: ${a}\n`);
  io.stdout(formatPlan(review));
  if (advise) await advise(io, config, review, false);
  const errors = review.findings.filter((f) => f.severity === "error").length;
  if (errors === 0) io.stdout("\nResult: the plan passes policy.\n");
  else if (flags.acceptRisk) io.stdout(`\nResult: ${errors} policy error(s) accepted with --accept-risk.\n`);
  else
    io.stdout(
      `\nResult: refused: ${errors} policy error(s). Fix them, or accept them explicitly with --accept-risk.\n`,
    );
  return refused ? EXIT_REFUSED : EXIT_OK;
}

const SYMBOL = { create: "+", update: "~", delete: "-", noop: "=" } as const;
const usd = (n: number) =>
  `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export function formatPlan(review: ReviewedPlan): string {
  const { spec, plan, cost, findings } = review;
  const where = spec.cloud === "local" ? "local" : `${spec.cloud}${spec.region ? ` ${spec.region}` : ""}`;
  const out: string[] = [
    `Plan for ${spec.name} in ${spec.environment} (${spec.target}, ${where}): ${plan.steps.length} steps in ${plan.levels.length} stages`,
    "",
    "Steps (each stage runs in parallel, after the stages above it):",
  ];
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  plan.levels.forEach((level, i) => {
    out.push(`  stage ${i + 1}`);
    for (const id of level) {
      const step = byId.get(id);
      if (!step) continue;
      const after = step.dependsOn.length > 0 ? `  (after ${step.dependsOn.join(", ")})` : "";
      out.push(`    ${SYMBOL[step.action]} ${step.id.padEnd(26)} ${step.description}${after}`);
    }
  });
  out.push("", `Cost estimate: ${usd(cost.monthlyUsd)} per month (${cost.currency})`);
  for (const item of cost.items)
    out.push(`  ${usd(item.monthlyUsd).padStart(12)}  ${item.component}: ${item.description}`);
  for (const a of cost.assumptions) out.push(`  note: ${a}`);
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  out.push(
    "",
    `Policy: ${count("error")} error(s), ${count("warning")} warning(s), ${count("info")} note(s)`,
  );
  for (const f of findings) {
    out.push(`  ${f.severity.toUpperCase().padEnd(7)} ${f.id} ${f.path}: ${f.message}`);
    out.push(`          hint: ${f.hint}`);
  }
  return `${out.join("\n")}\n`;
}
