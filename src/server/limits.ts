/**
 * A request may lower a configured limit, never raise it: a value above the
 * ceiling is refused with 400 naming the ceiling and where it is configured.
 */
import { HttpError } from "./errors.js";

/** `requested` when it is within `ceiling` (or no ceiling is set), else a 400 LIMIT_EXCEEDED. */
export function lowerOnly(
  field: string,
  requested: number | undefined,
  ceiling: number | undefined,
  setting: string,
): number | undefined {
  if (requested === undefined) return ceiling;
  if (ceiling === undefined || requested <= ceiling) return requested;
  throw new HttpError(
    400,
    "LIMIT_EXCEEDED",
    `${field} ${requested} is above this server's limit of ${ceiling}`,
    {
      hint: `send ${field} <= ${ceiling}, or leave it out to get ${ceiling} (${setting} in codeploy.yaml)`,
      details: { field, requested, limit: ceiling, setting },
    },
  );
}
