/** `codeploy apply`: show the plan, confirm, deploy with live progress; the gates are the service's. */
import { CodeError } from "../../core/errors.js";
import type { ProviderName } from "../../providers/names.js";
import type { CodeService } from "../../service/types.js";
import { EXIT_OK, EXIT_REFUSED } from "../exit.js";
import type { CliIo } from "../io.js";
import { readSpecInput } from "../service.js";
import { withInterrupts } from "../signals.js";
import { runChange } from "./change.js";
import { formatPlan, targetOf } from "./plan.js";

export interface ApplyFlags {
  readonly target?: string;
  readonly yes?: boolean;
  readonly json?: boolean;
  readonly acceptRisk?: boolean;
  readonly onFailure?: "rollback" | "stop";
  readonly wait?: boolean;
  /** Take over existing objects labelled for another owner or none. */
  readonly adopt?: boolean;
  readonly parallelism?: number;
  readonly stepTimeout?: number;
  readonly provider?: ProviderName;
  /** --base FILE: the words amend this spec. */
  readonly base?: string;
  /** --accept-assumptions: open questions of the words do not block. */
  readonly acceptAssumptions?: boolean;
  /** --plan-id: the planId `codeploy plan` printed for the plan reviewed. */
  readonly planId?: string;
}

export async function applyCommand(
  io: CliIo,
  service: CodeService,
  input: string,
  flags: ApplyFlags,
): Promise<number> {
  const request = {
    input: await readSpecInput(io, input, flags.base),
    ...targetOf(flags.target),
    ...(flags.provider ? { provider: flags.provider } : {}),
    ...(flags.acceptRisk ? { acceptRisk: true } : {}),
    ...(flags.acceptAssumptions ? { acceptAssumptions: true } : {}),
    ...(flags.onFailure ? { onFailure: flags.onFailure } : {}),
    ...(flags.adopt ? { adopt: true } : {}),
    ...(flags.wait ? { wait: true } : {}),
    ...(flags.parallelism ? { parallelism: flags.parallelism } : {}),
    ...(flags.stepTimeout ? { stepTimeoutSeconds: flags.stepTimeout } : {}),
    ...(flags.planId !== undefined ? { expectPlan: flags.planId } : {}),
  };
  const change = await withInterrupts(io, (signal) =>
    service.apply(request, {
      signal,
      onWait: (lock, key) =>
        io.stderr(
          `waiting: ${key.app}/${key.environment} is locked by ${lock.actor}${lock.host ? ` (pid ${lock.pid ?? "?"} on ${lock.host})` : ""} since ${lock.acquiredAt}\n`,
        ),
    }),
  );
  const plan = change.plan;
  if (plan && !flags.json) {
    for (const a of plan.assumptions ?? []) io.stderr(`assumed: ${a}\n`);
    io.stdout(formatPlan(plan));
  }
  if (plan && !plan.approved && !flags.acceptRisk) {
    // Running it refuses it (and records the refusal); nothing is asked first.
    try {
      await change.run();
    } catch (error) {
      if (!(error instanceof CodeError) || error.code !== "POLICY") throw error;
    }
    if (flags.json) {
      io.stdout(`${JSON.stringify({ type: "refused", plan })}\n`);
      resultLine(io, { deployment: null, revision: null, outcome: "refused" });
    } else io.stderr("refused: the plan has policy errors (fix them, or pass --accept-risk)\n");
    return EXIT_REFUSED;
  }
  if (!change.changes) {
    if (!flags.json) io.stdout("\nNothing to change: what runs already matches the spec.\n");
    else
      resultLine(io, {
        deployment: change.current?.deployment ?? null,
        revision: change.current?.revision ?? null,
        outcome: "unchanged",
      });
    return EXIT_OK;
  }
  return runChange(io, change, { ...flags, verb: "apply" }, (d) => {
    if (flags.json)
      resultLine(io, { deployment: d.id, revision: d.revision, outcome: d.outcome ?? "unknown" });
    else if (d.outcome === "rolled-back") io.stdout("  the previous revision was restored\n");
  });
}

interface ApplyResult {
  readonly deployment: string | null;
  readonly revision: number | null;
  /** succeeded, failed, rolled-back, cancelled; unchanged (nothing to do) or refused (nothing started). */
  readonly outcome: string;
}

/** The last line of `apply --json`, whatever happened: scripts read the id, revision and outcome from it. */
function resultLine(io: CliIo, result: ApplyResult): void {
  io.stdout(`${JSON.stringify({ type: "result", ...result })}\n`);
}
