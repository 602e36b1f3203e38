/**
 * Scale phrases: autoscaling ("autoscale from 2 to 10 at 60% CPU", "up to 8
 * pods") and replica counts ("3 replicas", "ten copies", "replicas: 4",
 * "scale the web to 6", "x3").
 */

import type { Prop } from "../mentions/mention-types.js";
import { negatedAt } from "../mentions/negation.js";
import type { Ctx } from "../tokens/context.js";
import { readNumber } from "../tokens/numbers.js";
import { table, words } from "../tokens/phrases.js";

export const REPLICA_NOUNS = words("replica instance copy pod container");
const AUTOSCALE = table<true>("props-scale.AUTOSCALE", {
  "autoscale|auto scale|auto scaling|auto scaled|horizontal pod autoscaler|hpa|scale automatically|automatically scale|scales automatically|automatic scaling|elastic scaling|scale elastically": true,
});
const BETWEEN_NOUNS = words("replica instance copy pod container node");

interface Bounds {
  min?: number;
  max?: number;
  target?: number;
  end: number;
  start: number;
}

export const num = (ctx: Ctx, i: number) => {
  if (ctx.isUsed(i)) return undefined;
  const n = readNumber(ctx.tokens, i);
  return n && Number.isInteger(n.value) && n.value >= 0 && n.value <= 10_000 ? n : undefined;
};

/** A range or bound starting at i: "from 2 to 10", "between 2 and 10", "2-10", "2 to 10", "up to 8", "min 2", "max 10". */
function readBound(ctx: Ctx, i: number): Bounds | undefined {
  const w = ctx.w(i);
  const skipNoun = (k: number) => (BETWEEN_NOUNS.has(ctx.w(k)) ? k + 1 : k);
  if (w === "from" || w === "between") {
    const a = num(ctx, i + 1);
    if (!a) return undefined;
    const k = skipNoun(a.end);
    const sep = ctx.w(k);
    const b = (sep === "to" || sep === "and" || sep === "-") && num(ctx, k + 1);
    if (!b) return undefined;
    return { min: a.value, max: b.value, start: i, end: skipNoun(b.end) };
  }
  const a = num(ctx, i);
  if (a) {
    const next = ctx.t(a.end);
    if (next && (ctx.w(a.end) === "to" || (next.kind === "number" && next.glue === "-"))) {
      const b = num(ctx, ctx.w(a.end) === "to" ? a.end + 1 : a.end);
      if (b && b.value >= a.value) return { min: a.value, max: b.value, start: i, end: skipNoun(b.end) };
    }
    return undefined;
  }
  if (w === "to") {
    // "autoscaling to 12 replicas" (only read next to an autoscale word)
    const b = num(ctx, i + 1);
    return b && BETWEEN_NOUNS.has(ctx.w(b.end)) ? { max: b.value, start: i, end: b.end + 1 } : undefined;
  }
  const two = `${w} ${ctx.w(i + 1)}`;
  if (
    ["up to", "at most", "as many as", "no more than", "max of", "maximum of", "a max", "a maximum"].includes(
      two,
    )
  ) {
    const b = num(ctx, ctx.w(i + 2) === "of" ? i + 3 : i + 2);
    return b ? { max: b.value, start: i, end: skipNoun(b.end) } : undefined;
  }
  if (two === "at least" || two === "minimum of" || two === "min of" || two === "a minimum") {
    const b = num(ctx, ctx.w(i + 2) === "of" ? i + 3 : i + 2);
    return b ? { min: b.value, start: i, end: skipNoun(b.end) } : undefined;
  }
  if (w === "max" || w === "maximum" || w === "min" || w === "minimum") {
    const b = num(ctx, ctx.w(i + 1) === ":" || ctx.w(i + 1) === "=" ? i + 2 : i + 1);
    if (!b) return undefined;
    return w.startsWith("max")
      ? { max: b.value, start: i, end: b.end }
      : { min: b.value, start: i, end: b.end };
  }
  return undefined;
}

const TARGET_LEADS = words(
  "at target targeting when above over exceeds exceed hits hit reaches reach around of",
);
const TARGET_AFTER = words("cpu utilization usage load utilisation");

/** A CPU target percentage near i ("at 60% CPU", "cpu above 75%"). */
function readTarget(ctx: Ctx, from: number, to: number): { value: number; index: number } | undefined {
  for (let k = from; k < to; k++) {
    const t = ctx.t(k);
    if (t?.kind !== "percent" || ctx.isUsed(k) || t.num === undefined) continue;
    if (TARGET_LEADS.has(ctx.w(k - 1)) || TARGET_AFTER.has(ctx.w(k + 1)) || TARGET_AFTER.has(ctx.w(k - 2))) {
      return { value: Math.round(t.num), index: k };
    }
  }
  return undefined;
}

export function findAutoscale(ctx: Ctx): Prop[] {
  const props: Prop[] = [];
  for (const hit of AUTOSCALE.all(ctx.tokens, ctx.skipUsed)) {
    if (negatedAt(ctx, hit.start)) {
      // "no autoscaling": a fixed replica count, said so.
      ctx.use(hit.start, hit.end);
      ctx.assume("no autoscaling: the replica count stays fixed");
      continue;
    }
    const from = Math.max(0, hit.start - 6);
    const to = Math.min(ctx.length, hit.end + 14);
    const b: Bounds = { start: hit.start, end: hit.end };
    for (let k = from; k < to; k++) {
      if (!ctx.sameSentence(k, hit.start) || ctx.isUsed(k)) continue;
      const r = readBound(ctx, k);
      if (!r) continue;
      if (r.min !== undefined && b.min === undefined) b.min = r.min;
      if (r.max !== undefined && b.max === undefined) b.max = r.max;
      ctx.use(r.start, r.end);
      b.end = Math.max(b.end, r.end);
      k = r.end - 1;
    }
    const target = readTarget(ctx, from, to);
    if (target) {
      b.target = target.value;
      ctx.use(target.index, ctx.w(target.index + 1) === "cpu" ? target.index + 2 : target.index + 1);
    }
    ctx.use(hit.start, hit.end);
    // The prop sits on the autoscale word, so "autoscale the worker up to 10" attaches to the worker.
    props.push(autoscaleProp(hit.start, { ...b, end: hit.end }));
  }
  props.push(...implicitAutoscale(ctx));
  return props;
}

function autoscaleProp(start: number, b: Bounds): Prop {
  return {
    start,
    end: b.end,
    value: {
      kind: "autoscale",
      ...(b.min !== undefined ? { min: b.min } : {}),
      ...(b.max !== undefined ? { max: b.max } : {}),
      ...(b.target !== undefined ? { target: b.target } : {}),
    },
  };
}

/** "scale between 2 and 10", "up to 8 pods", "between 3 and 6 replicas" without the word autoscale. */
function implicitAutoscale(ctx: Ctx): Prop[] {
  const props: Prop[] = [];
  for (let i = 0; i < ctx.length; i++) {
    if (ctx.isUsed(i)) continue;
    const r = readBound(ctx, i);
    if (!r || r.max === undefined) continue;
    const scaleBefore = ["scale", "scaling", "scales"].includes(ctx.w(ctx.prevWord(r.start, SCALE_OBJECTS)));
    const nounAfter = BETWEEN_NOUNS.has(ctx.w(r.end - 1));
    const isRange = r.min !== undefined && r.max !== r.min;
    if (!(scaleBefore && isRange) && !(nounAfter && (isRange || ctx.w(r.start) === "up"))) continue;
    // "scale the worker up to 4 replicas": an order for a count, not a ceiling.
    if (!isRange && orderedScale(ctx, r.start)) continue;
    const target = readTarget(ctx, r.end, Math.min(ctx.length, r.end + 6));
    ctx.use(r.start, r.end);
    if (target) ctx.use(target.index, target.index + 1);
    props.push(autoscaleProp(r.start, { ...r, ...(target ? { target: target.value } : {}) }));
    i = r.end - 1;
  }
  return props;
}

const SCALE_OBJECTS = words("the it them up out");
const ORDER_LEADS = words("please pls kindly just now then and , so ok okay can could you we");

/** An imperative "scale" earlier in the clause ("scale the api up to 4"), not "scaling up to 8" nor "let it scale". */
function orderedScale(ctx: Ctx, before: number): boolean {
  for (let k = before - 1; k >= Math.max(0, before - 6) && ctx.sameClause(k, before); k--) {
    if (ctx.w(k) !== "scale") continue;
    const s = ctx.sentenceStart(k);
    return ctx.nextWord(s, ORDER_LEADS) >= k || ORDER_LEADS.has(ctx.w(k - 1));
  }
  return false;
}
