/**
 * The one place where errors become exit codes and messages:
 * 0 ok, 1 refused (invalid spec, policy failure, failed deployment), 2 usage error
 * (and 3 from `codeploy drift` when drift was found, which is no error).
 */
import { errorMapping } from "../core/error-codes.js";
import { CodeError } from "../core/errors.js";

export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;
/** `codeploy drift`: the check ran and found drift (not an error). */
export const EXIT_DRIFT = 3;

export function exitCodeOf(error: unknown): number {
  if (error instanceof CodeError) return errorMapping(error.code).exit;
  return EXIT_REFUSED;
}

/** A message for people: the error, then the hint; never a stack trace unless CODEPLOY_DEBUG is set. */
export function formatError(error: unknown, debug = false): string {
  if (error instanceof CodeError) {
    const lines = [`error: ${error.message}`];
    if (error.hint) lines.push(`  hint: ${error.hint}`);
    if (debug && error.stack) lines.push(error.stack);
    return lines.join("\n");
  }
  const message = error instanceof Error ? error.message : String(error);
  const lines = [
    `error: unexpected failure: ${message}`,
    "  hint: run again with CODEPLOY_DEBUG=1 for details, and report it if it persists",
  ];
  if (debug && error instanceof Error && error.stack) lines.push(error.stack);
  return lines.join("\n");
}
