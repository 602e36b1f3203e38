/** Changes to what runs (apply's run, rollback, destroy): confirmed, with live progress and Ctrl-C handling. */
import type { ProviderName } from "../../providers/names.js";
import type { Change, CodeService, DeploymentView } from "../../service/types.js";
import { confirm } from "../confirm.js";
import { EXIT_OK, EXIT_REFUSED } from "../exit.js";
import type { CliIo } from "../io.js";
import { createProgress, type Progress } from "../progress.js";
import { withInterrupts } from "../signals.js";
import { planIdLines, shellWord } from "./plan-id-hint.js";

export interface ChangeFlags {
  readonly env: string;
  readonly yes?: boolean;
  readonly json?: boolean;
  readonly wait?: boolean;
  readonly provider?: ProviderName;
  readonly purgeData?: boolean;
  /** --plan-id: the planId shown when this change was reviewed (the service's plan check). */
  readonly planId?: string;
}

/** Confirm, then run the change with live progress, and report it; exit 0 only when it succeeded. */
export async function runChange(
  io: CliIo,
  change: Change,
  flags: { yes?: boolean; json?: boolean; verb: "apply" | "rollback" | "destroy" },
  after?: (deployment: DeploymentView) => void,
): Promise<number> {
  const confirmed = await confirm(io, {
    ...(flags.yes ? { yes: true } : {}),
    what: change.confirm.what,
    ...(change.confirm.typeToConfirm ? { typeToConfirm: change.confirm.typeToConfirm } : {}),
  });
  if (!confirmed) {
    io.stderr("cancelled: nothing was changed\n");
    return EXIT_REFUSED;
  }
  let progress: Progress | undefined;
  const mode = flags.json ? "json" : io.isTty ? "tty" : "plain";
  const d = await withInterrupts(io, (signal) =>
    change.run({
      signal,
      onStart: (_d, steps) => {
        progress = createProgress(io, mode, steps);
      },
      onEvent: (e) => progress?.onEvent(e),
      onNote: (note) => io.stderr(`${note}\n`),
    }),
  );
  progress?.done();
  if (!flags.json) {
    const verb = flags.verb === "apply" ? "" : `${flags.verb} `;
    io.stdout(
      `\n${d.app}/${d.environment}: ${verb}${d.outcome ?? d.state} (revision ${d.revision}, deployment ${d.id})\n`,
    );
    if (d.error) io.stdout(`  error: ${d.error}\n`);
  }
  after?.(d);
  return d.outcome === "succeeded" ? EXIT_OK : EXIT_REFUSED;
}

export async function rollbackCommand(
  io: CliIo,
  service: CodeService,
  app: string,
  flags: ChangeFlags & { to?: number },
): Promise<number> {
  const change = await service.rollback({
    app,
    environment: flags.env,
    ...(flags.to !== undefined ? { revision: flags.to } : {}),
    ...(flags.planId !== undefined ? { expectPlan: flags.planId } : {}),
    ...(flags.wait ? { wait: true } : {}),
    ...(flags.provider ? { provider: flags.provider } : {}),
  });
  const again = [`codeploy rollback ${shellWord(app)} --env ${shellWord(flags.env)}`];
  if (flags.to !== undefined) again.push(`--to ${flags.to}`);
  showPlanId(io, change, flags, again.join(" "));
  return runChange(io, change, { ...flags, verb: "rollback" });
}

export async function destroyCommand(
  io: CliIo,
  service: CodeService,
  app: string,
  flags: ChangeFlags,
): Promise<number> {
  const change = await service.destroy({
    app,
    environment: flags.env,
    ...(flags.planId !== undefined ? { expectPlan: flags.planId } : {}),
    ...(flags.wait ? { wait: true } : {}),
    ...(flags.provider ? { provider: flags.provider } : {}),
    ...(flags.purgeData ? { purgeData: true } : {}),
  });
  if (change.steps.length > 0 && !flags.json) {
    io.stdout(
      `Destroy ${app}/${flags.env}: ${change.steps.length} step(s)\n${change.steps.map((s) => `  - ${s.description}`).join("\n")}\n`,
    );
  }
  showPlanId(io, change, flags, `codeploy destroy ${shellWord(app)} --env ${shellWord(flags.env)}`);
  return runChange(io, change, { ...flags, verb: "destroy" });
}

/**
 * Before the confirmation: the change's planId (when the service gives one) and the command that
 * runs exactly it, so a person can decline, have it reviewed, and run it with `--plan-id`.
 */
function showPlanId(io: CliIo, change: Change, flags: ChangeFlags, command: string): void {
  if (flags.json || flags.planId !== undefined || change.planId === undefined) return;
  io.stdout(planIdLines(change.planId, "run exactly this change later", command));
}
