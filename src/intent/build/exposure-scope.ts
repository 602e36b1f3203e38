/**
 * Exposure said for some services by contrast with all the others: "only the
 * api is public", "nothing is public except the frontend", "nothing but the
 * web should be public", "keep everything private apart from the frontend",
 * "all services are public except the worker". The named services get the
 * stated value, every other service the opposite one; buckets are never made
 * public by a quantifier (only when named).
 */
import type { Mention, Prop } from "../mentions/mention-types.js";
import { ARTICLES, type Ctx } from "../tokens/context.js";
import { words } from "../tokens/phrases.js";
import type { Entities, Entity } from "./entities.js";

/** "nothing is public": the words' value is what the others do not get. */
const NONE = words("nothing none nobody no");
/** "everything private": the words' value is what the others get. */
const ALL = words("everything all every each");
const ONLY = words("only just solely");
/** Exception markers; two-word ones are read by their second word ("apart from", "other than"). */
const EXCEPT = words("except but besides excluding save");
const EXCEPT_SECOND: Readonly<Record<string, string>> = { from: "apart", than: "other" };
const LIST_GLUE = new Set(["and", ",", "or", "&", ...ARTICLES]);
/** How far before the cue its quantifier or "only" may stand ("nothing in this app should be public"). */
const REACH = 10;

interface Scope {
  readonly named: readonly Entity[];
  /** The value the named services get. */
  readonly namedValue: boolean;
}

/** Applies every contrastive exposure phrase, after the plain ones were attached. */
export function applyExposureScope(
  ctx: Ctx,
  e: Entities,
  props: readonly Prop[],
  mentions: readonly Mention[],
): void {
  for (const p of props) {
    if (p.value.kind !== "public") continue;
    const scope = scopeOf(ctx, e, p, p.value.on, mentions);
    if (!scope) continue;
    const named = new Set(scope.named);
    const others: string[] = [];
    for (const s of e.services) {
      if (s.removed) continue;
      if (named.has(s)) s.public = scope.namedValue;
      else {
        s.public = !scope.namedValue;
        others.push(s.name);
      }
    }
    for (const d of scope.named) if (d.group === "buckets") d.public = scope.namedValue;
    const names = scope.named.map((x) => x.name).join(", ");
    const state = (on: boolean) => (on ? "public" : "private");
    ctx.assume(
      `${names} ${state(scope.namedValue)}${others.length ? `, every other service ${state(!scope.namedValue)} (${others.join(", ")})` : ""}`,
    );
  }
}

function scopeOf(
  ctx: Ctx,
  e: Entities,
  p: Prop,
  on: boolean,
  mentions: readonly Mention[],
): Scope | undefined {
  const from = Math.max(ctx.sentenceStart(p.start), p.start - REACH);
  // "only the api is public": the services right after "only"; "expose only the frontend": after the cue.
  const onlyAt = [...range(from, p.start), ...range(p.end, Math.min(p.end + 2, ctx.length))];
  for (const k of onlyAt) {
    if (!ONLY.has(ctx.w(k)) || !ctx.sameSentence(k, p.start)) continue;
    const named = listAfter(ctx, e, k + 1, mentions);
    if (named.length > 0) return { named, namedValue: on };
  }
  // "the frontend is the only public service": the services before "is the only".
  if (ONLY.has(ctx.w(p.start - 1)) && ctx.w(p.start - 2) === "the" && COPULA.has(ctx.w(p.start - 3))) {
    const named = listBefore(ctx, e, p.start - 3, mentions);
    if (named.length > 0) return { named, namedValue: on };
  }
  for (let k = from; k < p.start; k++) {
    const w = ctx.w(k);
    const none = NONE.has(w);
    if (!none && !ALL.has(w)) continue;
    const marker = exceptionAfter(ctx, k + 1);
    if (marker === undefined) continue;
    const named = listAfter(ctx, e, marker + 1, mentions);
    if (named.length === 0) continue;
    // "nothing is public except X": X public; "everything private except X": X public too.
    return { named, namedValue: none ? on : !on };
  }
  return undefined;
}

/** The first exception marker in the sentence after `from` ("except", "but", "apart from"). */
function exceptionAfter(ctx: Ctx, from: number): number | undefined {
  for (let k = from; k < ctx.length && ctx.sameSentence(k, from); k++) {
    const w = ctx.w(k);
    if (EXCEPT.has(w)) return ctx.w(k + 1) === "for" ? k + 1 : k;
    if (EXCEPT_SECOND[w] !== undefined && ctx.w(k - 1) === EXCEPT_SECOND[w]) return k;
  }
  return undefined;
}

const COPULA = words("is are");

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/** The components listed right before `end`: "the api and the web [are the only ...]". */
function listBefore(ctx: Ctx, e: Entities, end: number, mentions: readonly Mention[]): Entity[] {
  const out: Entity[] = [];
  let k = end - 1;
  for (let guard = 0; guard < 12 && k >= 0; guard++) {
    const m = mentions.find((x) => x.end === k + 1);
    const ent = m ? e.byMention.get(m) : undefined;
    if (m && ent) {
      if (!out.includes(ent)) out.unshift(ent);
      k = m.start - 1;
      continue;
    }
    if (!LIST_GLUE.has(ctx.w(k))) break;
    k--;
  }
  return out;
}

/** The components listed from `start` on: "the api and the web", "frontend, admin". */
function listAfter(ctx: Ctx, e: Entities, start: number, mentions: readonly Mention[]): Entity[] {
  const out: Entity[] = [];
  let k = start;
  for (let guard = 0; guard < 12 && k < ctx.length; guard++) {
    const m = mentions.find((x) => x.start === k);
    const ent = m ? e.byMention.get(m) : undefined;
    if (m && ent) {
      if (!out.includes(ent)) out.push(ent);
      k = m.end;
      continue;
    }
    if (!LIST_GLUE.has(ctx.w(k))) break;
    k++;
  }
  return out;
}
