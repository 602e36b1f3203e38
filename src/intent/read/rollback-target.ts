/**
 * Where a rollback goes: "to revision 3", "rev 12", "back to version 4" keep
 * the number; "to yesterday's version", "to last week's release" cannot be
 * resolved from words alone and become a question (the history knows).
 */

import type { RollbackTarget } from "../interpreter.js";
import type { Ctx } from "../tokens/context.js";
import { words } from "../tokens/phrases.js";

const REVISION_WORDS = words("revision rev revisions release deployment deploy version v r");
const WHEN_WORDS = words(
  "yesterday yesterdays today tonight morning evening night week month friday monday tuesday wednesday thursday saturday sunday ago before last",
);

export interface RollbackReading {
  readonly target: RollbackTarget;
  readonly question?: string;
}

export function findRollbackTarget(ctx: Ctx, from: number): RollbackReading {
  for (let i = from; i < ctx.length; i++) {
    const w = ctx.w(i);
    const next = ctx.t(i + 1);
    if (REVISION_WORDS.has(w) && (next?.kind === "number" || next?.kind === "version")) {
      const n = Number(next.num ?? next.value ?? Number.NaN);
      if (Number.isInteger(n) && n > 0) {
        ctx.use(i, i + 2);
        return { target: { revision: n } };
      }
    }
    // "#12", "to 12"
    if (
      (w === "#" || w === "to") &&
      next?.kind === "number" &&
      Number.isInteger(next.num) &&
      (next.num ?? 0) > 0
    ) {
      if (
        ctx.t(i + 2) === undefined ||
        ctx.t(i + 2)?.kind === "punct" ||
        ["in", "on", "for", "please"].includes(ctx.w(i + 2))
      ) {
        ctx.use(i, i + 2);
        return { target: { revision: next.num } };
      }
    }
  }
  for (let i = from; i < ctx.length; i++) {
    if (!WHEN_WORDS.has(ctx.w(i))) continue;
    if (ctx.w(i) === "last" && !["week", "month", "night", "friday", "monday"].includes(ctx.w(i + 1)))
      continue;
    const phrase = ctx.tokens
      .slice(i, Math.min(ctx.length, i + 3))
      .map((t) => t.text)
      .join(" ");
    return {
      target: {},
      question: `which revision is "${phrase}"? name it ("to revision N"; codeploy history APP --env ENV lists them), or leave it out to go back one`,
    };
  }
  return { target: {} };
}
