/**
 * Replica counts: "3 replicas", "ten copies", "replicas: 4", "scale the web
 * to 6", "x3", "web 2x", and elliptical counts after a first one ("3 replicas
 * for the web and the api 2", "web to 5 and worker to 2").
 */

import type { Prop } from "../mentions/mention-types.js";
import type { Ctx } from "../tokens/context.js";
import { words } from "../tokens/phrases.js";
import { num, REPLICA_NOUNS } from "./props-scale.js";

const REPLICA_ADJECTIVES = words("more total identical running parallel separate extra additional of");
const SCALE_VERBS = words("scale scaled scaling resize set change bump increase decrease reduce raise lower");

/** Replica counts. `serviceSpan(i)` tells where a service mention starting at i ends, to read "3 api replicas". */
export function findReplicas(
  ctx: Ctx,
  serviceEndAt: (i: number) => number | undefined,
  serviceEndsAt: (i: number) => boolean,
): Prop[] {
  const props: Prop[] = [];
  for (let i = 0; i < ctx.length; i++) {
    if (ctx.isUsed(i)) continue;
    const p =
      countBeforeNoun(ctx, i, serviceEndAt) ??
      nounThenCount(ctx, i) ??
      scaleTo(ctx, i, serviceEndAt) ??
      particleTo(ctx, i) ??
      times(ctx, i) ??
      timesAfter(ctx, i) ??
      multiply(ctx, i, serviceEndAt);
    if (p) {
      props.push(p);
      i = p.end - 1;
    }
  }
  props.push(...ellipticalCounts(ctx, props, serviceEndsAt));
  return props;
}

const ELLIPSIS_LEADS = words("to at : = with");
const ELLIPSIS_ENDS = words("and , . ; please pls");

/** "3 replicas for the web and the api 2", "web to 5 and worker to 2": a bare count after a service, once a count was said. */
function ellipticalCounts(ctx: Ctx, counts: readonly Prop[], serviceEndsAt: (i: number) => boolean): Prop[] {
  const props: Prop[] = [];
  for (let i = 1; i < ctx.length; i++) {
    if (!serviceEndsAt(i) || !counts.some((p) => p.end <= i && ctx.sameSentence(p.start, i))) continue;
    const k = ELLIPSIS_LEADS.has(ctx.w(i)) && !ctx.isUsed(i) ? i + 1 : i;
    const n = num(ctx, k);
    if (!n || n.value > 1000) continue;
    const after = ctx.t(n.end);
    if (after !== undefined && !ELLIPSIS_ENDS.has(after.w)) continue;
    ctx.use(i, n.end);
    props.push({ start: k, end: n.end, value: { kind: "replicas", value: n.value } });
  }
  return props;
}

const EACH_FILLERS = words("with having have get getting at running run of them should need");

/** "3 replicas", "ten copies", "a single instance", "2 more replicas", "3 api replicas". */
function countBeforeNoun(
  ctx: Ctx,
  i: number,
  serviceEndAt: (i: number) => number | undefined,
): Prop | undefined {
  const n = num(ctx, i);
  if (!n) return undefined;
  let j = n.end;
  let relative = false;
  for (let steps = 0; steps < 3; steps++) {
    if (REPLICA_ADJECTIVES.has(ctx.w(j)) && !ctx.isUsed(j)) {
      if (["more", "additional", "extra"].includes(ctx.w(j))) relative = true;
      j++;
      continue;
    }
    const svcEnd = serviceEndAt(j);
    if (svcEnd !== undefined && REPLICA_NOUNS.has(ctx.w(svcEnd))) j = svcEnd;
    break;
  }
  // "2 of each", "3 of them"
  if (ctx.w(j - 1) === "of" && ["each", "them", "both"].includes(ctx.w(j))) {
    ctx.use(i, j + 1);
    return { start: i, end: j + 1, value: { kind: "replicas", value: n.value, each: true } };
  }
  if (!REPLICA_NOUNS.has(ctx.w(j)) || ctx.isUsed(j)) return undefined;
  // "3 replicas each", "both with 2 replicas", "each running 3 pods"
  const each =
    ctx.w(j + 1) === "each" ||
    ctx.w(j + 1) === "apiece" ||
    ["both", "each"].includes(ctx.w(ctx.prevWord(i, EACH_FILLERS)));
  const end = each ? j + 2 : j + 1;
  ctx.use(i, end);
  const extra = { ...(relative ? { relative: "add" as const } : {}), ...(each ? { each } : {}) };
  return { start: i, end, value: { kind: "replicas", value: n.value, ...extra } };
}

/** "replicas: 3", "replica count of 4", "replicas to 5", "instances = 2". */
function nounThenCount(ctx: Ctx, i: number): Prop | undefined {
  if (!REPLICA_NOUNS.has(ctx.w(i))) return undefined;
  let j = i + 1;
  while (
    [":", "=", "count", "of", "to", "set", "is", "should", "be", "number"].includes(ctx.w(j)) &&
    j < i + 5
  )
    j++;
  if (j === i + 1 && ctx.t(j)?.kind !== "number") return undefined;
  const n = num(ctx, j);
  if (!n || REPLICA_NOUNS.has(ctx.w(n.end))) return undefined;
  ctx.use(i, n.end);
  return { start: i, end: n.end, value: { kind: "replicas", value: n.value } };
}

const NOT_COUNTS = words("port storage disk memory ram cpu version image budget limit timeout size volume");

/** "bump the worker to 3": a count verb, a service, "to N" (not "bump the api port to 8080"). */
function countOfService(ctx: Ctx, i: number, j: number, serviceEndAt: (i: number) => number | undefined) {
  let service = false;
  for (let k = i + 1; k < j; k++) {
    if (NOT_COUNTS.has(ctx.w(k))) return false;
    if (serviceEndAt(k) !== undefined) service = true;
  }
  return service;
}

/** "scale the web to 6", "scale up to 4", "set it to 3", "bump the worker to three". */
function scaleTo(ctx: Ctx, i: number, serviceEndAt: (i: number) => number | undefined): Prop | undefined {
  if (!SCALE_VERBS.has(ctx.w(i))) return undefined;
  let all = false;
  for (let j = i + 1; j < Math.min(ctx.length, i + 7); j++) {
    if (!ctx.sameClause(i, j)) return undefined;
    if (ALL_WORDS.has(ctx.w(j))) all = true;
    if (ctx.w(j) !== "to" || ctx.isUsed(j)) continue;
    const n = num(ctx, j + 1);
    if (!n) continue;
    const after = ctx.t(n.end);
    if (after && (after.kind === "size" || ["gb", "cpu", "core", "percent", "%"].includes(after.w)))
      return undefined;
    const isScale = ctx.w(i).startsWith("scal") || ctx.w(i) === "resize";
    const counted =
      REPLICA_NOUNS.has(ctx.w(n.end)) ||
      REPLICA_NOUNS.has(ctx.w(j - 1)) ||
      countOfService(ctx, i, j, serviceEndAt);
    if (!isScale && !counted) return undefined;
    const end = REPLICA_NOUNS.has(ctx.w(n.end)) ? n.end + 1 : n.end;
    ctx.use(j, end);
    return { start: j, end, value: { kind: "replicas", value: n.value, ...(all ? { all } : {}) } };
  }
  return undefined;
}

const ALL_WORDS = words("everything all every");

/** "x3" right after a service. */
function times(ctx: Ctx, i: number): Prop | undefined {
  const t = ctx.t(i + 1);
  if (ctx.w(i) === "x" && t?.kind === "number" && t.glue === "" && t.num !== undefined) {
    ctx.use(i, i + 2);
    return { start: i, end: i + 2, value: { kind: "replicas", value: t.num } };
  }
  return undefined;
}

const AFTER_TIMES = words("and in on with plus for to at behind using");

/** "web 2x": a count written after its service (before one, "3x api" is the mention's own count). */
function timesAfter(ctx: Ctx, i: number): Prop | undefined {
  const t = ctx.t(i);
  const x = ctx.t(i + 1);
  if (t?.kind !== "number" || x?.w !== "x" || x.glue !== "" || t.num === undefined) return undefined;
  const next = ctx.t(i + 2);
  if (next !== undefined && next.kind !== "punct" && !AFTER_TIMES.has(next.w)) return undefined;
  if (!Number.isInteger(t.num) || t.num > 10_000 || ctx.isUsed(i + 1)) return undefined;
  ctx.use(i, i + 2);
  return { start: i, end: i + 2, value: { kind: "replicas", value: t.num } };
}

/** "... and the worker down to 0": "up/down to N" after a scale verb earlier in the sentence. */
function particleTo(ctx: Ctx, i: number): Prop | undefined {
  if ((ctx.w(i) !== "up" && ctx.w(i) !== "down") || ctx.w(i + 1) !== "to") return undefined;
  const n = num(ctx, i + 2);
  if (!n) return undefined;
  let scaled = REPLICA_NOUNS.has(ctx.w(n.end));
  for (let k = ctx.sentenceStart(i); k < i && !scaled; k++) scaled = ctx.w(k).startsWith("scal");
  if (!scaled) return undefined;
  const end = REPLICA_NOUNS.has(ctx.w(n.end)) ? n.end + 1 : n.end;
  ctx.use(i, end);
  return { start: i, end, value: { kind: "replicas", value: n.value } };
}

const FACTORS: ReadonlyMap<string, number> = new Map([
  ["double", 2],
  ["triple", 3],
  ["halve", 0.5],
]);

/** "double the web replicas", "triple the workers": relative to the current count. */
function multiply(ctx: Ctx, i: number, serviceEndAt: (i: number) => number | undefined): Prop | undefined {
  const factor = FACTORS.get(ctx.w(i));
  if (factor === undefined) return undefined;
  // "double the api": the service itself is what doubles.
  const object = ctx.nextWord(i + 1);
  if (serviceEndAt(object) !== undefined) {
    ctx.use(i);
    return { start: i, end: i + 1, value: { kind: "replicas", value: factor, relative: "times" } };
  }
  for (let k = i + 1; k < Math.min(ctx.length, i + 7) && ctx.sameClause(i, k); k++) {
    if (REPLICA_NOUNS.has(ctx.w(k)) || ["capacity", "size", "scale", "count"].includes(ctx.w(k))) {
      ctx.use(i);
      ctx.use(k);
      return { start: i, end: i + 1, value: { kind: "replicas", value: factor, relative: "times" } };
    }
  }
  return undefined;
}
