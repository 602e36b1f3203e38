/**
 * Schedule phrases -> 5-field cron. The text is read as fragments (a
 * frequency such as "every 15 minutes" or "nightly", a set of days such as
 * "every weekday", a time such as "at 6:30pm"), and fragments next to each
 * other join into one schedule: "every Monday at 9am" -> "0 9 * * 1".
 */

import type { Token } from "../tokens/tokenizer.js";
import { type Fragment, fragmentAt, PART_DEFAULT_HOUR, w } from "./cron-read.js";

export interface ScheduleHit {
  readonly cron: string;
  readonly start: number;
  readonly end: number;
  /** Defaults the phrase left open ("no time given: midnight"). */
  readonly assumptions: readonly string[];
  /** Only a time of day ("at 2am"): a schedule only for something that is clearly a job. */
  readonly weak: boolean;
  /** How much the words pinned down (an explicit time scores higher). */
  readonly detail: number;
}

const JOINERS = new Set(["at", "on", ",", "every", "each"]);

/** Every schedule phrase in the tokens, left to right. */
export function findSchedules(
  tokens: readonly Token[],
  skip: (i: number) => boolean = () => false,
): ScheduleHit[] {
  const frags: Fragment[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (skip(i)) continue;
    const f = fragmentAt(tokens, i);
    if (f) {
      frags.push(f);
      i = f.end - 1;
    }
  }
  const groups: Fragment[][] = [];
  for (const f of frags) {
    const last = groups[groups.length - 1];
    const prev = last?.[last.length - 1];
    if (last && prev && adjacent(tokens, prev.end, f.start) && compatible(last, f)) last.push(f);
    else groups.push([f]);
  }
  return groups.map((g) => compose(g));
}

function adjacent(tokens: readonly Token[], end: number, start: number): boolean {
  for (let k = end; k < start; k++) if (!JOINERS.has(w(tokens, k))) return false;
  return start - end <= 2;
}

function compatible(group: Fragment[], f: Fragment): boolean {
  if (f.literal || group.some((g) => g.literal)) return false;
  if (f.timeOnly && group.some((g) => g.timeOnly)) return false;
  if (f.days && group.some((g) => g.days)) return false;
  return !(f.freq && group.some((g) => g.freq && g.freq !== f.freq && !(g.days || f.days)));
}

function compose(group: Fragment[]): ScheduleHit {
  const start = group[0]?.start ?? 0;
  const end = group[group.length - 1]?.end ?? start;
  const f: Fragment = Object.assign({}, ...group, { start, end });
  const weak =
    group.every((g) => g.timeOnly) || (group.every((g) => g.partOfDay !== undefined && !g.freq) && !f.hour);
  if (f.literal) return { cron: f.literal, start, end, assumptions: [], weak: false, detail: 3 };
  const made = f.freq === "minute" || (f.freq === "hour" && !f.twice) ? frequent(f) : calendar(f);
  return { ...made, start, end, weak };
}

type Made = { cron: string; assumptions: string[]; detail: number };

/** Every N minutes or hours. */
function frequent(f: Fragment): Made {
  const step = f.step ?? 1;
  const dow = f.days ? dayList(f.days) : "*";
  if (f.freq === "minute") return { cron: `${stepField(step, 59)} * * * ${dow}`, assumptions: [], detail: 2 };
  if (step > 23) return { cron: `0 0 * * ${dow}`, assumptions: [], detail: 1 };
  return { cron: `${f.minute ?? 0} ${stepField(step, 23)} * * ${dow}`, assumptions: [], detail: 2 };
}

/** Daily, weekly, monthly, yearly, on given days: at a time of day (midnight when none is said). */
function calendar(f: Fragment): Made {
  const assumptions: string[] = [];
  let hour = f.hour;
  let minute = f.minute ?? 0;
  if (hour === undefined && f.partOfDay) {
    hour = PART_DEFAULT_HOUR[f.partOfDay];
    assumptions.push(`"${f.partOfDay}" read as ${pad(hour)}:00`);
  }
  if (hour === undefined) {
    hour = 0;
    minute = 0;
    assumptions.push("no time of day given: running at midnight (00:00)");
  }
  const detail = f.hour !== undefined ? 2 : 1;
  const at = `${minute} ${f.twice && f.freq === "day" ? `${hour},${(hour + 12) % 24}` : String(hour)}`;
  if (f.freq === "year") return { cron: `${at} 1 1 *`, assumptions, detail };
  if (f.freq === "month" || f.dom !== undefined) {
    if (f.dom === undefined) assumptions.push("monthly: on the 1st of the month");
    return { cron: `${at} ${f.dom ?? 1} * *`, assumptions, detail };
  }
  if (f.freq === "week" && !f.days) {
    assumptions.push("weekly: on Sundays");
    return { cron: `${at} * * 0`, assumptions, detail };
  }
  const step = f.step ?? 1;
  const dom = f.freq === "day" && step > 1 ? `*/${Math.min(step, 31)}` : "*";
  return { cron: `${at} ${dom} * ${f.days ? dayList(f.days) : "*"}`, assumptions, detail };
}

function stepField(step: number, max: number): string {
  const n = Math.round(step);
  if (n <= 1) return "*";
  return `*/${Math.min(n, max)}`;
}

function dayList(days: readonly number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  if (sorted.join(",") === "1,2,3,4,5") return "1-5";
  return sorted.join(",");
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
