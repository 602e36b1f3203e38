/**
 * Schedule fragments: a frequency ("every 15 minutes", "nightly"), a set of
 * days ("every weekday", "on mondays"), a time of day ("at 6:30pm") or a
 * day of the month ("on the 1st"). cron.ts joins neighbours into schedules.
 */
import { readNumber } from "../tokens/numbers.js";
import type { Token } from "../tokens/tokenizer.js";

export type Freq = "minute" | "hour" | "day" | "week" | "month" | "year";

export interface Fragment {
  start: number;
  end: number;
  freq?: Freq;
  step?: number;
  days?: number[];
  hour?: number;
  minute?: number;
  dom?: number;
  partOfDay?: "night" | "morning" | "evening" | "afternoon";
  literal?: string;
  timeOnly?: boolean;
  twice?: boolean;
}

const DAYS: ReadonlyMap<string, number> = new Map([
  ["sunday", 0],
  ["monday", 1],
  ["tuesday", 2],
  ["wednesday", 3],
  ["thursday", 4],
  ["friday", 5],
  ["saturday", 6],
  ["sun", 0],
  ["mon", 1],
  ["tue", 2],
  ["tues", 2],
  ["wed", 3],
  ["thu", 4],
  ["thur", 4],
  ["thurs", 4],
  ["fri", 5],
  ["sat", 6],
]);
const ABBREVIATED = new Set(["sun", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat"]);

const UNIT_WORDS: ReadonlyMap<string, Freq> = new Map([
  ["minute", "minute"],
  ["min", "minute"],
  ["mins", "minute"],
  ["m", "minute"],
  ["hour", "hour"],
  ["hr", "hour"],
  ["hrs", "hour"],
  ["h", "hour"],
  ["day", "day"],
  ["d", "day"],
  ["week", "week"],
  ["month", "month"],
  ["year", "year"],
]);

const ADVERBS: ReadonlyMap<string, Fragment> = new Map([
  ["hourly", { start: 0, end: 0, freq: "hour" }],
  ["daily", { start: 0, end: 0, freq: "day" }],
  ["nightly", { start: 0, end: 0, freq: "day", partOfDay: "night" }],
  ["weekly", { start: 0, end: 0, freq: "week" }],
  ["biweekly", { start: 0, end: 0, freq: "day", step: 14 }],
  ["monthly", { start: 0, end: 0, freq: "month" }],
  ["yearly", { start: 0, end: 0, freq: "year" }],
  ["annually", { start: 0, end: 0, freq: "year" }],
  ["midnight", { start: 0, end: 0, hour: 0, minute: 0 }],
  ["noon", { start: 0, end: 0, hour: 12, minute: 0 }],
  ["midday", { start: 0, end: 0, hour: 12, minute: 0 }],
]);

/** Words that make "monthly"/"daily" about money or backups rather than a schedule. */
const NOT_SCHEDULE_AFTER = new Set(["budget", "limit", "cost", "spend", "cap", "bill", "price", "fee"]);
const EVERY = new Set(["every", "each", "per"]);
const PART_OF_DAY: ReadonlyMap<string, Fragment["partOfDay"]> = new Map([
  ["night", "night"],
  ["morning", "morning"],
  ["evening", "evening"],
  ["afternoon", "afternoon"],
]);
export const PART_DEFAULT_HOUR = { night: 2, morning: 8, afternoon: 14, evening: 18 } as const;

export const w = (tokens: readonly Token[], i: number): string => tokens[i]?.w ?? "";

/** A day-of-week list starting at i: "monday", "mondays and thursdays", "mon, wed and fri", "weekday". */
function readDays(
  tokens: readonly Token[],
  i: number,
  listContext: boolean,
): { days: number[]; end: number } | undefined {
  const first = w(tokens, i);
  if (first === "weekday") return { days: [1, 2, 3, 4, 5], end: i + 1 };
  if (first === "weekend") return { days: [0, 6], end: i + 1 };
  const day = DAYS.get(first);
  if (day === undefined || (ABBREVIATED.has(first) && !listContext)) return undefined;
  const days = [day];
  let end = i + 1;
  for (;;) {
    const sep = w(tokens, end);
    if (sep !== "," && sep !== "and" && sep !== "&") break;
    const next = DAYS.get(w(tokens, end + 1));
    if (next === undefined) break;
    days.push(next);
    end += 2;
  }
  return { days, end };
}

/** "at 9am", "at 6:30pm", "at 21:00", "at 8", "at noon", "9am". */
function readTime(
  tokens: readonly Token[],
  i: number,
): { hour: number; minute: number; end: number } | undefined {
  let j = i;
  const lead = w(tokens, j);
  if (lead === "at" || lead === "around" || lead === "@") j++;
  const t = tokens[j];
  if (t === undefined) return undefined;
  if (t.kind === "time" && t.hour !== undefined) return withPartOfDay(tokens, t.hour, t.minute ?? 0, j + 1);
  const adverb = ADVERBS.get(t.w);
  if (adverb?.hour !== undefined) return { hour: adverb.hour, minute: 0, end: j + 1 };
  if (
    j > i &&
    t.kind === "number" &&
    t.num !== undefined &&
    Number.isInteger(t.num) &&
    t.num >= 0 &&
    t.num < 24
  ) {
    const end = w(tokens, j + 1) === "o'clock" || w(tokens, j + 1) === "oclock" ? j + 2 : j + 1;
    return withPartOfDay(tokens, t.num, 0, end);
  }
  return undefined;
}

/** "at 6 in the evening" -> 18:00. */
function withPartOfDay(tokens: readonly Token[], hour: number, minute: number, end: number) {
  if (w(tokens, end) === "in" && w(tokens, end + 1) === "the") {
    const part = PART_OF_DAY.get(w(tokens, end + 2));
    if (part !== undefined) {
      const pm = (part === "evening" || part === "afternoon") && hour < 12;
      return { hour: pm ? hour + 12 : hour, minute, end: end + 3 };
    }
  }
  if (w(tokens, end) === "at" && w(tokens, end + 1) === "night") {
    return { hour: hour < 12 && hour >= 6 ? hour + 12 : hour, minute, end: end + 2 };
  }
  return { hour, minute, end };
}

function readEvery(tokens: readonly Token[], i: number): Fragment | undefined {
  let j = i + 1;
  if (w(tokens, j) === "other") {
    const u = UNIT_WORDS.get(w(tokens, j + 1));
    if (u) return { start: i, end: j + 2, freq: u, step: 2 };
  }
  if ((w(tokens, j) === "half" && w(tokens, j + 1) === "hour") || w(tokens, j) === "halfhour") {
    return { start: i, end: j + 2, freq: "minute", step: 30 };
  }
  if (w(tokens, j) === "half" && w(tokens, j + 1) === "an" && w(tokens, j + 2) === "hour") {
    return { start: i, end: j + 3, freq: "minute", step: 30 };
  }
  if (w(tokens, j) === "quarter" && w(tokens, j + 1) === "hour")
    return { start: i, end: j + 2, freq: "minute", step: 15 };
  const num = readNumber(tokens, j);
  if (num) j = num.end;
  const unit = UNIT_WORDS.get(w(tokens, j));
  if (unit && (num || !["m", "h", "d"].includes(w(tokens, j)))) {
    return { start: i, end: j + 1, freq: unit, step: num?.value ?? 1 };
  }
  if (num) return undefined;
  const days = readDays(tokens, j, true);
  if (days) return { start: i, end: days.end, days: days.days };
  const part = PART_OF_DAY.get(w(tokens, j));
  if (part) return { start: i, end: j + 1, freq: "day", partOfDay: part };
  return undefined;
}

/** One fragment starting at token i, if any. */
export function fragmentAt(tokens: readonly Token[], i: number): Fragment | undefined {
  const t = tokens[i];
  if (t === undefined) return undefined;
  if (t.kind === "cron" && t.value !== undefined) return { start: i, end: i + 1, literal: t.value };
  const word = t.w;
  if (
    EVERY.has(word) &&
    !(word === "per" && !["minute", "hour", "day", "night"].includes(w(tokens, i + 1)))
  ) {
    const f = readEvery(tokens, i);
    if (f) return f;
  }
  if (
    (word === "once" || word === "twice") &&
    ["a", "an", "per", "every", "each"].includes(w(tokens, i + 1))
  ) {
    const unit = UNIT_WORDS.get(w(tokens, i + 2));
    if (unit) return { start: i, end: i + 3, freq: unit, twice: word === "twice" };
  }
  const adverb = ADVERBS.get(word);
  // "nightly-report" is a name, not a schedule.
  const hyphenated = tokens[i + 1]?.glue === "-" || t.glue === "-";
  if (adverb && adverb.hour === undefined && !hyphenated) {
    if (NOT_SCHEDULE_AFTER.has(w(tokens, i + 1)) || tokens[i - 1]?.kind === "money") return undefined;
    return { ...adverb, start: i, end: i + 1 };
  }
  if (word === "on" || word === "at") {
    if (word === "on") {
      const days = readDays(tokens, i + 1, true);
      if (days) return { start: i, end: days.end, days: days.days };
      const dom = readDayOfMonth(tokens, i + 1);
      if (dom) return { start: i, end: dom.end, dom: dom.dom, freq: "month" };
    }
    const time = readTime(tokens, i);
    if (time) return { start: i, end: time.end, hour: time.hour, minute: time.minute, timeOnly: true };
    if (word === "at" && w(tokens, i + 1) === "night") return { start: i, end: i + 2, partOfDay: "night" };
  }
  if (t.kind === "time" && t.hour !== undefined) {
    return { start: i, end: i + 1, hour: t.hour, minute: t.minute ?? 0, timeOnly: true };
  }
  if (
    word === "weekday" ||
    word === "weekend" ||
    (DAYS.has(word) && !ABBREVIATED.has(word) && t.text.endsWith("s"))
  ) {
    const days = readDays(tokens, i, false);
    if (days) return { start: i, end: days.end, days: days.days };
  }
  return undefined;
}

/** "the 1st", "the 15th of every month". */
function readDayOfMonth(tokens: readonly Token[], i: number): { dom: number; end: number } | undefined {
  let j = i;
  if (w(tokens, j) === "the") j++;
  const t = tokens[j];
  if (t?.kind !== "ordinal" || t.num === undefined || t.num < 1 || t.num > 31) return undefined;
  j++;
  if (
    w(tokens, j) === "of" &&
    ["every", "each", "the"].includes(w(tokens, j + 1)) &&
    w(tokens, j + 2) === "month"
  )
    j += 3;
  return { dom: t.num, end: j };
}
