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
}

export async function driftCommand(
  io: CliIo,
  service: CodeService,
  app: string,
  flags: DriftFlags,
): Promise<number> {
  const answer = await service.drift({ app, environment: flags.env });
  if (flags.json) printJson(io, answer);
  else printDrift(io, answer);
  return answer.drifted ? EXIT_DRIFT : EXIT_OK;
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
