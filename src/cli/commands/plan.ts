import type { ProviderName } from "../../providers/names.js";
import type { CodeService, PlanAnswer } from "../../service/types.js";
import { TARGETS } from "../../spec/targets.js";
import { EXIT_OK, EXIT_REFUSED } from "../exit.js";
import { type CliIo, printJson } from "../io.js";
import { readSpecInput } from "../service.js";
import { planIdLines, shellWord } from "./plan-id-hint.js";

export interface PlanFlags {
  readonly target?: string;
  readonly json?: boolean;
  readonly acceptRisk?: boolean;
  readonly advise?: boolean;
  readonly config?: string;
  /** --base FILE: the words amend this spec. */
  readonly base?: string;
  readonly provider?: ProviderName;
}

export async function planCommand(
  io: CliIo,
  service: CodeService,
  input: string,
  flags: PlanFlags,
): Promise<number> {
  const plan = await service.plan({
    input: await readSpecInput(io, input, flags.base),
    ...targetOf(flags.target),
    ...(flags.provider ? { provider: flags.provider } : {}),
  });
  const refused = !plan.approved && !flags.acceptRisk;
  const advise = flags.advise ? await adviser(io, service) : undefined;
  if (flags.json) {
    const advice = advise ? await advise(plan, true) : undefined;
    printJson(io, { ...plan, ...(advice !== undefined ? { advice } : {}) });
    return refused ? EXIT_REFUSED : EXIT_OK;
  }
  for (const a of plan.assumptions ?? []) io.stderr(`assumed: ${a}\n`);
  io.stdout(formatPlan(plan));
  if (advise) await advise(plan, false);
  const errors = plan.findings.filter((f) => f.severity === "error").length;
  if (errors === 0) io.stdout("\nResult: the plan passes policy.\n");
  else if (flags.acceptRisk) io.stdout(`\nResult: ${errors} policy error(s) accepted with --accept-risk.\n`);
  else
    io.stdout(
      `\nResult: refused: ${errors} policy error(s). Fix them, or accept them explicitly with --accept-risk.\n`,
    );
  if (plan.planId !== undefined) io.stdout(applyHint(plan.planId, input, flags));
  return refused ? EXIT_REFUSED : EXIT_OK;
}

/** The planId, and the apply that deploys exactly this plan (`--plan-id`). */
function applyHint(planId: string, input: string, flags: PlanFlags): string {
  const words = [
    "codeploy apply",
    shellWord(input),
    ...(flags.target ? [`--target ${flags.target}`] : []),
    ...(flags.provider ? [`--provider ${flags.provider}`] : []),
    ...(flags.base ? [`--base ${shellWord(flags.base)}`] : []),
    ...(flags.acceptRisk ? ["--accept-risk"] : []),
  ];
  return planIdLines(planId, "apply exactly this plan", words.join(" "));
}

export function targetOf(target: string | undefined) {
  const found = TARGETS.find((t) => t === target);
  return found ? { target: found } : {};
}

/** --advise: the Circle of Experts of the service (this machine's codeploy.yaml, or the server's) reviews the plan. */
async function adviser(io: CliIo, service: CodeService) {
  const { adviseFromCli } = await import("./experts-run.js");
  return (plan: PlanAnswer, json: boolean) => adviseFromCli(io, service, plan, json);
}

const SYMBOL = { create: "+", update: "~", delete: "-", noop: "=" } as const;
const usd = (n: number) =>
  `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export function formatPlan(plan: PlanAnswer): string {
  const { spec, cost, findings } = plan;
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
