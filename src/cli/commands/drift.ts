/**
 * `codeploy drift APP --env ENV [--json]`: what runs compared with the last
 * applied revision, field by field, read-only. Exit 0: nothing drifted;
 * 3: something did; 1: the check failed (an error).
 */
import { describeDrift } from "../../engine/drift.js";
import type { DriftAnswer } from "../../service/drift.js";
import type { CodeService } from "../../service/types.js";
import { EXIT_DRIFT, EXIT_OK } from "../exit.js";
import { type CliIo, printJson } from "../io.js";

export interface DriftFlags {
  readonly env: string;
  readonly json?: boolean;
  readonly history?: boolean;
  readonly limit?: number;
  readonly before?: number;
}

export async function driftCommand(
  io: CliIo,
  service: CodeService,
  app: string,
  flags: DriftFlags,
): Promise<number> {
  if (flags.history) return driftHistory(io, service, app, flags);
  const answer = await service.drift({ app, environment: flags.env });
  if (flags.json) printJson(io, answer);
  else printDrift(io, answer);
  return answer.drifted ? EXIT_DRIFT : EXIT_OK;
}

/** `--history`: the recorded events, read-only; exit 0 (the events say what drifted, not what runs now). */
async function driftHistory(
  io: CliIo,
  service: CodeService,
  app: string,
  flags: DriftFlags,
): Promise<number> {
  const page = await service.driftEvents({
    app,
    environment: flags.env,
    ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
    ...(flags.before !== undefined ? { before: flags.before } : {}),
  });
  if (flags.json) {
    printJson(io, page);
    return EXIT_OK;
  }
  if (page.events.length === 0) io.stdout(`${app}/${flags.env}: no drift events\n`);
  for (const e of page.events) {
    const heal = e.heal
      ? `  self-heal ${e.heal.outcome}${e.heal.deployment ? ` (${e.heal.deployment})` : ""}`
      : "";
    io.stdout(
      `#${String(e.seq).padEnd(5)} ${e.at}  rev ${String(e.revision).padEnd(4)} ${e.resources} resource(s)  by ${e.checker}${heal}\n`,
    );
  }
  if (page.next !== undefined) io.stdout(`older: --history --before ${page.next}\n`);
  return EXIT_OK;
}

function printDrift(io: CliIo, a: DriftAnswer): void {
  const head = `${a.app}/${a.environment} (revision ${a.revision}, ${a.provider})`;
  const ignored = a.ignored > 0 ? ` (${a.ignored} ignored by drift.ignore)` : "";
  if (!a.drifted) {
    io.stdout(`${head}: no drift${ignored}\n`);
    return;
  }
  io.stdout(`${head}: ${a.resources} resource(s) drifted${ignored}\n`);
  for (const item of a.items) io.stdout(`  ${describeDrift(item)}\n`);
}
