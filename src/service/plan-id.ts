/**
 * The plan check: a `planId` names a reviewed change (what to apply, roll
 * back or destroy) and what ran when it was reviewed. A change given a
 * planId (`expectPlan`) runs only while both still hold, so a person who
 * approved a plan gets that plan: not another spec, not another action, and
 * not on top of a deployment that happened since. It is a check, not a
 * secret: anyone who may plan can make one, and it grants nothing that the
 * caller's rights, the policy and the locks do not.
 */
import { createHash } from "node:crypto";
import { CodeError } from "../core/errors.js";
import type { StateStore } from "../state/types.js";

export type PlannedAction = "apply" | "rollback" | "destroy";

/** Object keys sorted at every level: the same document in another key order digests alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

const digest = (value: unknown) => createHash("sha256").update(canonical(value)).digest("hex").slice(0, 16);

/**
 * What runs, as the plan check sees it: the revision that runs and the last deployment (of any
 * outcome: a failed one may have changed things too). Any deployment since makes a plan stale.
 */
export async function runningDigest(store: StateStore, app: string, environment: string): Promise<string> {
  const [status] = await store.status({ app, environment });
  return digest({
    app,
    environment,
    revision: status?.currentRevision ?? null,
    deployment: status?.lastDeployment?.id ?? null,
  });
}

/** `action.subject.running`: the subject is the spec (apply) or the app, environment and revision asked. */
export function planIdOf(action: PlannedAction, subject: unknown, running: string): string {
  return `${action}.${digest(subject)}.${running}`;
}

/**
 * Throws unless `given` is the planId the change would get now: PLAN_MISMATCH when it names
 * another change (action, spec, app, revision), PLAN_STALE when only what runs changed.
 */
export function checkPlan(expected: string, given: string, target: string): void {
  if (given === expected) return;
  const [action, subject, running] = expected.split(".");
  const [givenAction, givenSubject, givenRunning] = given.split(".");
  if (givenAction === action && givenSubject === subject && givenRunning !== running) {
    throw new CodeError("PLAN_STALE", `${target}: what runs changed since this plan was made`, {
      hint: "plan again and review the new plan (a person must see it), then use its planId (CLI: --plan-id)",
      details: { planId: given },
    });
  }
  const what =
    givenAction !== action
      ? `another action (${givenAction || "none"}, not ${action})`
      : action === "apply"
        ? "another spec"
        : "another app, environment or revision";
  throw new CodeError("PLAN_MISMATCH", `${target}: the planId given was made for ${what}`, {
    hint: `plan exactly this ${action} and review it (a person must see it), then use the planId it gives (CLI: --plan-id)`,
    details: { planId: given },
  });
}
