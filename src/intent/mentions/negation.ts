/**
 * Negation scope: what a "no", "not", "without", "instead of" or "rather
 * than" takes away. A negation governs the phrase right after it ("no
 * database and no cache", "no memcached", "not kubernetes", "instead of
 * MySQL"), chained by "or"/"nor" ("no redis or memcached"); a negated verb
 * flips the setting it leads to ("don't make it public").
 */
import { ARTICLES, type Ctx } from "../tokens/context.js";
import { words } from "../tokens/phrases.js";
import type { Mention } from "./mention-types.js";

const NEGATORS = words("no not without never nor none replaces replacing");
/** Words between a negation and what it negates: "no need for a", "not any", "without a separate". */
const BRIDGE = words(
  "need for any separate extra additional dedicated real actual more use using want on in a an the old legacy existing current",
);
const WANT_VERBS = words("need want use require include add deploy run install");

export interface NegationOptions {
  /** Reading components: a bare "not" is a contrast, not an absence. */
  readonly components?: boolean;
  /** Words whose negation belongs to a verb ("we don't need the worker": a removal), not to a phrase. */
  readonly verb?: { readonly start: number; readonly end: number };
}

const PAIRS: readonly (readonly [string, string])[] = [
  ["instead", "of"],
  ["rather", "than"],
  ["other", "than"],
  ["except", "for"],
];

/** True when the phrase starting at `start` is negated by the words before it (same clause). */
export function negatedAt(ctx: Ctx, start: number, options: NegationOptions = {}): boolean {
  let k = start - 1;
  for (let guard = 0; guard < 5 && k >= 0; guard++) {
    const w = ctx.w(k);
    if (NEGATORS.has(w)) {
      if (options.verb && k >= options.verb.start && k < options.verb.end) return false;
      if (w !== "not" && w !== "never") return true;
      if (["only", "just"].includes(ctx.w(k + 1))) return false;
      // A component after a bare "not" is a contrast ("the web app (not the api)"); "do not need X" rules it out.
      return !options.components || WANT_VERBS.has(ctx.w(k + 1));
    }
    const pair = PAIRS.find(([a, b]) => ctx.w(k - 1) === a && w === b);
    // "nothing is public except for the web": an exception to a quantifier, not an absence.
    if (pair && quantifierBefore(ctx, k - 1)) return false;
    // Amending a base, "instead of X" names a component to swap, which the amendment reads itself.
    if (pair) return !(options.components && ctx.amending);
    if (!BRIDGE.has(w) && !ARTICLES.has(w)) return false;
    k--;
  }
  return false;
}

/** Splits mentions into what the request wants and what it negates ("no database", "instead of MySQL"). */
export function splitNegated(
  ctx: Ctx,
  mentions: readonly Mention[],
  verb?: NegationOptions["verb"],
): { kept: Mention[]; negated: Mention[] } {
  const kept: Mention[] = [];
  const negated: Mention[] = [];
  let last: Mention | undefined;
  for (const m of mentions) {
    const chained =
      last !== undefined &&
      negated.includes(last) &&
      last.end <= m.start &&
      ctx.tokens.slice(last.end, m.start).every((t) => ["or", "nor", ","].includes(t.w) || ARTICLES.has(t.w));
    // "no service other than the gateway is public": a quantifier with its exception, not an absence.
    const quantified = exceptionAt(ctx, m.end);
    if (
      !quantified &&
      (negatedAt(ctx, m.start, { components: true, ...(verb ? { verb } : {}) }) || chained)
    ) {
      negated.push(m);
      ctx.assume(`not deploying ${phrase(ctx, m.start, m.end)}: the request says no`);
    } else kept.push(m);
    last = m;
  }
  return { kept, negated };
}

const QUANTIFIERS = words("no none nothing nobody everything all every each");
/** Not "but": "no redis but memcached" is an absence and a choice. */
const EXCEPTIONS = words("except besides excluding");

/** A quantifier a few words before `end` in its clause ("nothing is public [except for]"). */
function quantifierBefore(ctx: Ctx, end: number): boolean {
  for (let j = end - 1; j >= Math.max(0, end - 5) && ctx.sameClause(j, end); j--) {
    if (QUANTIFIERS.has(ctx.w(j))) return true;
  }
  return false;
}

/** An exception marker at i: "except", "besides", "other than", "apart from". */
function exceptionAt(ctx: Ctx, i: number): boolean {
  const w = ctx.w(i);
  const next = ctx.w(i + 1);
  return EXCEPTIONS.has(w) || (w === "other" && next === "than") || (w === "apart" && next === "from");
}

/** A negated verb before an on/off cue in its clause: "don't make it public", "do not enable tls". */
export function negatedVerbBefore(ctx: Ctx, start: number): boolean {
  for (let k = start - 1; k >= Math.max(0, start - 5) && ctx.sameClause(k, start); k--) {
    const w = ctx.w(k);
    if (w === "not" || w === "never") return !FORGET.has(ctx.w(k + 1));
    if (w === "but" || w === "and") return false;
  }
  return false;
}

const FORGET = words("forget only just");

export function phrase(ctx: Ctx, start: number, end: number): string {
  return ctx.tokens
    .slice(start, end)
    .map((t) => t.text)
    .join(" ");
}
