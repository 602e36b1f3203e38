/**
 * Spec-level settings read from the words: environment, budget, monitoring
 * and the app's name.
 */
import type { Ctx } from "../tokens/context.js";
import { readNumber } from "../tokens/numbers.js";
import { words } from "../tokens/phrases.js";
import {
  ENV_NOUNS,
  ENV_STRONG,
  ENV_WEAK,
  MONITORING_ON,
  negatedAfter,
  negatedBefore,
} from "../vocab/cues.js";
import { isNameWord, kebab, readName } from "../vocab/names.js";

export interface EnvReading {
  readonly name: string;
  readonly start: number;
  /** Several environments were named; the reasons for the pick. */
  readonly note?: string;
  readonly question?: string;
}

const ENV_PREPS = words("to in into on for from at");
const ENV_ARTICLES = words("the our my an a");

export function findEnvironment(ctx: Ctx): EnvReading | undefined {
  const found: { name: string; start: number; prep: string }[] = [];
  for (let i = 0; i < ctx.length; i++) {
    if (ctx.isUsed(i)) continue;
    const p = ctx.prevWord(i, ENV_ARTICLES);
    const prep = ctx.w(p);
    const strong = ENV_STRONG.at(ctx.tokens, i);
    const weak = strong ? undefined : ENV_WEAK.at(ctx.tokens, i);
    const hit = strong ?? weak;
    if (hit) {
      const after = ctx.w(hit.end);
      const context =
        ENV_PREPS.has(prep) || ENV_NOUNS.has(after) || (ctx.w(i) === "live" && goesLive(ctx, i));
      if (strong || context) {
        found.push({ name: hit.value, start: i, prep });
        ctx.use(i, ENV_NOUNS.has(after) ? hit.end + 1 : hit.end);
        i = hit.end - 1;
        continue;
      }
    }
    const custom = customEnvironment(ctx, i);
    if (custom) {
      found.push({ name: custom.name, start: i, prep });
      ctx.use(i, custom.end);
      i = custom.end - 1;
    }
  }
  return pickEnvironment(found);
}

const LIVE_VERBS = words("go goes going went get gets getting got put push take bring make");
const LIVE_ENDS = words("on in at by asap now today soon with for and please pls , . ! ;");

/** "go live", "get the payments service live on AWS" (not "a live chat"). */
function goesLive(ctx: Ctx, i: number): boolean {
  const prev = ctx.w(i - 1);
  if (["go", "goes", "going", "went"].includes(prev)) return true;
  if (ctx.t(i + 1) !== undefined && !LIVE_ENDS.has(ctx.w(i + 1))) return false;
  for (let k = i - 1; k >= Math.max(0, i - 7) && ctx.sameClause(k, i); k--)
    if (LIVE_VERBS.has(ctx.w(k))) return true;
  return false;
}

/** "the demo environment", "an environment called sandbox", "env: perf". */
function customEnvironment(ctx: Ctx, i: number): { name: string; end: number } | undefined {
  if (isNameWord(ctx, i) && ENV_NOUNS.has(ctx.w(i + 1)) && ctx.w(i + 1) !== "stage") {
    const p = ctx.w(i - 1);
    if (["the", "a", "an", "our", "my", "to", "in", "into", "new"].includes(p)) {
      const name = kebab(ctx.t(i)?.text ?? "");
      if (name) return { name, end: i + 2 };
    }
  }
  if ((ctx.w(i) === "environment" || ctx.w(i) === "env") && ctx.t(i + 1)?.kind === "word") {
    let k = i + 1;
    if (["called", "named", ":", "="].includes(ctx.w(k))) k++;
    else return undefined;
    const strong = ENV_STRONG.at(ctx.tokens, k) ?? ENV_WEAK.at(ctx.tokens, k);
    if (strong) return { name: strong.value, end: strong.end };
    const name = readName(ctx, k);
    if (name) return { name: name.name, end: name.end };
  }
  return undefined;
}

function pickEnvironment(found: { name: string; start: number; prep: string }[]): EnvReading | undefined {
  const first = found[0];
  if (first === undefined) return undefined;
  const distinct = [...new Set(found.map((f) => f.name))];
  if (distinct.length === 1) return { name: first.name, start: first.start };
  // "from staging to production" is clear; "api to staging, web to production" is not.
  const to = found.filter((f) => f.prep === "to" || f.prep === "into");
  const pick = to[to.length - 1] ?? found.find((f) => f.prep !== "from") ?? first;
  const others = found.filter((f) => f.name !== pick.name);
  const clear = others.every((f) => f.prep === "from") || to.length === 1;
  const note = `several environments named (${distinct.join(", ")}): using ${pick.name}`;
  return clear
    ? { name: pick.name, start: pick.start, note }
    : {
        name: pick.name,
        start: pick.start,
        note,
        question: `one spec holds one environment: ${distinct.join(" and ")} were named; deploy the others separately?`,
      };
}

export interface BudgetReading {
  readonly monthlyUsd: number;
  readonly note?: string;
}

const PER = words("per a an each every /");
const PERIODS: ReadonlyMap<string, number> = new Map([
  ["month", 1],
  ["mo", 1],
  ["mth", 1],
  ["monthly", 1],
  ["pm", 1],
  ["year", 1 / 12],
  ["yr", 1 / 12],
  ["annum", 1 / 12],
  ["yearly", 1 / 12],
  ["annually", 1 / 12],
  ["day", 30],
  ["daily", 30],
  ["week", 52 / 12],
  ["weekly", 52 / 12],
]);
const DOLLARS = words("dollar dollars usd buck bucks");
const BUDGET_WORDS = words("budget spend spending cost costs");

export function findBudget(ctx: Ctx): BudgetReading | undefined {
  for (let i = 0; i < ctx.length; i++) {
    const t = ctx.t(i);
    if (ctx.isUsed(i)) continue;
    let amount: number | undefined;
    const spelled = t?.kind === "word" ? readNumber(ctx.tokens, i) : undefined;
    if (t?.kind === "money") amount = t.num;
    else if (spelled && DOLLARS.has(ctx.w(spelled.end))) {
      // "fifty dollars a month"
      amount = spelled.value;
      i = spelled.end;
    } else if (BUDGET_WORDS.has(ctx.w(i))) {
      let k = i + 1;
      while (["of", "is", ":", "at", "to", "around", "under", "below"].includes(ctx.w(k)) && k < i + 3) k++;
      const n = readNumber(ctx.tokens, k);
      if (
        n?.digits &&
        ctx.t(n.end)?.kind !== "size" &&
        !["replica", "instance", "cpu", "gb"].includes(ctx.w(n.end))
      ) {
        amount = n.value;
        i = k;
      }
    }
    if (amount === undefined || !(amount > 0)) continue;
    const period = periodNear(ctx, i);
    ctx.use(i, period.end);
    const monthly = Math.round(amount * period.factor * 100) / 100;
    const currency =
      t?.kind === "money" && t.key && !/^(\$|usd|us\$|dollars?|bucks?)$/i.test(t.key) ? t.key : undefined;
    const notes = [
      period.said ? undefined : `budget "${t?.text ?? amount}" read as per month`,
      period.factor !== 1 && period.said ? `budget converted to per month: ${monthly} USD` : undefined,
      currency ? `budget in ${currency} read as USD` : undefined,
    ].filter((n): n is string => n !== undefined);
    return { monthlyUsd: monthly, ...(notes.length ? { note: notes.join("; ") } : {}) };
  }
  return undefined;
}

function periodNear(ctx: Ctx, i: number): { factor: number; said: boolean; end: number } {
  for (let k = i + 1; k < Math.min(ctx.length, i + 5); k++) {
    const f = PERIODS.get(ctx.w(k));
    if (f !== undefined && (PER.has(ctx.w(k - 1)) || ctx.w(k).endsWith("ly") || k === i + 1)) {
      return { factor: f, said: true, end: k + 1 };
    }
    if (ctx.t(k)?.kind !== "word") break;
  }
  for (let k = i - 1; k >= Math.max(0, i - 4); k--) {
    const f = PERIODS.get(ctx.w(k));
    if (f !== undefined && ctx.w(k).endsWith("ly")) return { factor: f, said: true, end: i + 1 };
  }
  return { factor: 1, said: false, end: i + 1 };
}

export function findMonitoring(ctx: Ctx): boolean | undefined {
  let result: boolean | undefined;
  // Not skipping used words: "with prometheus" was already read as a monitoring app.
  for (const hit of MONITORING_ON.all(ctx.tokens)) {
    const off = negatedBefore(ctx.tokens, hit.start) || negatedAfter(ctx.tokens, hit.end);
    ctx.use(hit.start, hit.end);
    result = result === undefined ? !off : result || !off;
  }
  return result;
}

export { type AppNameReading, findAppName } from "./app-name.js";
