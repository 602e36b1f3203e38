/**
 * `codeploy terraform plan|apply|destroy DIR`: wraps an existing Terraform
 * module. plan saves a reviewed plan (changes by address, deletes and
 * replaces called out, policy over the planned values); apply applies exactly
 * that plan after confirmation (typed for production); destroy plans and
 * applies a destroy. apply and destroy are recorded like any deployment.
 */
import type { StepContext, StepResult } from "../../engine/provider.js";
import { hasErrors } from "../../policy/index.js";
import { describeTerraformEvent } from "../../providers/terraform/events.js";
import type { SavedPlan } from "../../providers/terraform/wrapper.js";
import { confirm } from "../confirm.js";
import { EXIT_OK, EXIT_REFUSED } from "../exit.js";
import { type CliIo, printJson } from "../io.js";
import { createProgress } from "../progress.js";
import { actorOf, openStore } from "../session.js";
import { withInterrupts } from "../signals.js";
import { recordTerraformRun, terraformStep } from "./terraform-record.js";
import { formatTerraformPlan } from "./terraform-review.js";
import {
  parseVars,
  planJson,
  review,
  type Session,
  sessionOf,
  type TerraformFlags,
} from "./terraform-session.js";

export { appNameOf, type TerraformFlags } from "./terraform-session.js";

export async function terraformPlanCommand(io: CliIo, dir: string, flags: TerraformFlags): Promise<number> {
  const s = await sessionOf(io, dir, flags);
  const saved = await withInterrupts(io, (signal) =>
    s.wrapper.plan(s.target, { signal, vars: parseVars(flags.var) }),
  );
  const findings = await review(s, saved);
  const approved = !hasErrors(findings);
  if (flags.json) printJson(io, planJson(s, saved, findings));
  else {
    io.stdout(formatTerraformPlan(saved, findings, s.shown));
    if (!approved && !flags.acceptRisk)
      io.stderr("refused: the plan has policy errors (fix them, or pass --accept-risk to plan and apply)\n");
    else if (saved.changes)
      io.stdout(`\nSaved. \`codeploy terraform apply ${s.shown}\` applies exactly this plan.\n`);
  }
  const store = await openStore(io, s.config);
  try {
    await store.appendAudit({
      actor: actorOf(io),
      command: "terraform plan",
      target: `${s.spec.name}/${s.spec.environment}`,
      outcome: approved ? "ok" : "refused",
      details: { dir: saved.dir, workspace: saved.workspace, changes: planJson(s, saved, findings).changes },
    });
  } finally {
    await store.close();
  }
  return approved || flags.acceptRisk ? EXIT_OK : EXIT_REFUSED;
}

/** Confirms, then applies the saved plan with its run recorded. */
async function applySaved(
  io: CliIo,
  s: Session,
  saved: SavedPlan,
  flags: TerraformFlags,
  action: "apply" | "destroy",
) {
  const findings = await review(s, saved);
  if (flags.json) io.stdout(`${JSON.stringify({ type: "plan", ...planJson(s, saved, findings) })}\n`);
  else io.stdout(formatTerraformPlan(saved, findings, s.shown));
  if (hasErrors(findings) && !flags.acceptRisk) {
    io.stderr("refused: the plan has policy errors (fix them, or pass --accept-risk)\n");
    return EXIT_REFUSED;
  }
  if (!saved.changes) {
    if (!flags.json) io.stdout("\nNothing to change.\n");
    return EXIT_OK;
  }
  const typed = action === "destroy" || s.production;
  const what = `${action} ${s.shown} in workspace ${saved.workspace}`;
  if (
    !(await confirm(io, {
      ...(flags.yes ? { yes: true } : {}),
      what,
      ...(typed ? { typeToConfirm: s.spec.name } : {}),
    }))
  ) {
    io.stderr("cancelled: nothing was changed\n");
    return EXIT_REFUSED;
  }
  return record(io, s, saved, flags, action);
}

async function record(
  io: CliIo,
  s: Session,
  saved: SavedPlan,
  flags: TerraformFlags,
  action: "apply" | "destroy",
) {
  const store = await openStore(io, s.config);
  try {
    const step = terraformStep(action, `${action} ${s.spec.name}/${s.spec.environment}`);
    const progress = createProgress(io, flags.json ? "json" : io.isTty ? "tty" : "plain", [step]);
    const run = async (ctx: StepContext): Promise<StepResult> => {
      const onEvent = (e: Parameters<typeof describeTerraformEvent>[0]) => {
        const line = describeTerraformEvent(e);
        if (line && e.type !== "planned_change") ctx.log(line);
      };
      const { summary } = await s.wrapper.apply(s.target, {
        signal: ctx.signal,
        onEvent,
        onCommand: (l) => ctx.log(`$ ${l}`),
      });
      const counts = summary
        ? `${summary.add} added, ${summary.change} changed, ${summary.remove} destroyed`
        : "applied";
      ctx.log(counts);
      return { message: counts, outputs: { workspace: saved.workspace } };
    };
    const out = await withInterrupts(io, (signal) =>
      recordTerraformRun({
        store,
        spec: s.spec,
        actor: actorOf(io),
        action,
        request: `codeploy terraform ${action} ${s.shown}${flags.workspace ? ` --workspace ${flags.workspace}` : ""}`,
        files: saved.files,
        details: { dir: saved.dir, workspace: saved.workspace, backend: saved.backend },
        signal,
        onEvent: progress.onEvent,
        run,
      }),
    );
    progress.done();
    const d = out.deployment;
    if (!flags.json) {
      io.stdout(`\n${d.app}/${d.environment}: terraform ${action} ${d.outcome} (deployment ${d.id})\n`);
      if (d.error) io.stdout(`  error: ${d.error}\n`);
    }
    return d.outcome === "succeeded" ? EXIT_OK : EXIT_REFUSED;
  } finally {
    await store.close();
  }
}

export async function terraformApplyCommand(io: CliIo, dir: string, flags: TerraformFlags): Promise<number> {
  const s = await sessionOf(io, dir, flags);
  const saved = await s.wrapper.verify(s.target);
  return applySaved(io, s, saved, flags, saved.destroy ? "destroy" : "apply");
}

export async function terraformDestroyCommand(
  io: CliIo,
  dir: string,
  flags: TerraformFlags,
): Promise<number> {
  const s = await sessionOf(io, dir, flags);
  const saved = await withInterrupts(io, (signal) =>
    s.wrapper.plan(s.target, { signal, destroy: true, vars: parseVars(flags.var) }),
  );
  return applySaved(io, s, saved, flags, "destroy");
}
