/** The audit record of a dashboard action (`ui:<action>`), like the API's `api:<action>` ones. */
import type { SurfaceContext } from "../server/app.js";
import { errorAnswer } from "../server/errors.js";
import type { AuditOutcome } from "../state/types.js";

export async function record(
  ctx: Pick<SurfaceContext, "deps">,
  actor: string,
  command: string,
  target: string | undefined,
  outcome: AuditOutcome,
  details: Record<string, unknown>,
): Promise<void> {
  try {
    await ctx.deps.store.appendAudit({
      actor,
      command,
      ...(target !== undefined ? { target } : {}),
      outcome,
      details: { via: "dashboard", ...details },
    });
  } catch (error) {
    ctx.deps.logger.log("error", `could not write the audit record of ${command}`, { error });
  }
}

/** A refusal (the caller's request) or a failure (ours). */
export function outcomeOf(error: unknown): "refused" | "failed" {
  return errorAnswer(error).status < 500 ? "refused" : "failed";
}
