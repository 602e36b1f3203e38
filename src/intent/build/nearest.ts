/**
 * Which mention a property phrase belongs to: the mention inside its own
 * words ("four api pods"), the thing a parenthetical follows ("postgres
 * (HA)"), the noun an adjective stands before ("a private backend"), else the
 * nearest mention before it in the same clause, then after it, then the same
 * in the sentence.
 */

import type { Mention, Prop } from "../mentions/mention-types.js";
import type { Ctx } from "../tokens/context.js";

export function nearest(ctx: Ctx, p: Prop, cands: readonly Mention[]): Mention | undefined {
  if (p.target && cands.includes(p.target)) return p.target;
  // "four api pods": the mention inside the property's own words.
  const inside = cands.find((m) => m.start >= p.start && m.end <= p.end);
  if (inside) return inside;
  const host = parenHost(ctx, p, cands);
  if (host) return host;
  if (p.adjective) {
    const next = cands
      .filter((m) => m.start >= p.end && m.start - p.end <= 3 && ctx.sameClause(m.start, p.start))
      .sort((a, b) => a.start - b.start)[0];
    if (next) return next;
  }
  for (const same of [ctx.sameClause.bind(ctx), ctx.sameSentence.bind(ctx)]) {
    const before = cands
      .filter((m) => m.end <= p.start && same(m.start, p.start))
      .sort((a, b) => b.end - a.end)[0];
    if (before) return before;
    const after = cands
      .filter((m) => m.start >= p.end && same(m.start, p.start))
      .sort((a, b) => a.start - b.start)[0];
    if (after) return after;
  }
  return undefined;
}

/** "postgres 15 (HA)", "api (3 replicas, port 80)": a parenthetical belongs to the mention right before it. */
function parenHost(ctx: Ctx, p: Prop, cands: readonly Mention[]): Mention | undefined {
  const span = ctx.parenSpan(p.start);
  if (span === undefined) return undefined;
  const { start, end } = span;
  // A parenthetical with its own component ("(with postgres, HA)") is read like any clause.
  if (cands.some((m) => m.start >= start && m.start < end)) return undefined;
  // The host may have taken the group's first words as its own ("mysql (v8.0, 30gb)").
  return cands
    .filter((m) => m.start < start && m.end <= end && m.end >= start - 1 && ctx.sameSentence(m.start, start))
    .sort((a, b) => b.end - a.end)[0];
}
