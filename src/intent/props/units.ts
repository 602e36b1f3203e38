/**
 * Quantities: memory sizes ("4GB" -> "4Gi", "512 MB" -> "512Mi"), storage in
 * whole GB, CPU ("2 vCPUs" -> "2", "half a CPU" -> "500m", "250 millicores"
 * -> "250m").
 */
import { readNumber } from "../tokens/numbers.js";
import { words } from "../tokens/phrases.js";
import type { SizeUnit, Token } from "../tokens/tokenizer.js";

/** Memory quantity in the spec's form; people's GB are read as GiB. */
export function memoryOf(t: Token): string | undefined {
  if (t.kind !== "size" || t.num === undefined || t.unit === undefined || !(t.num > 0)) return undefined;
  const n = Number.isInteger(t.num) ? String(t.num) : String(Math.round(t.num * 1000) / 1000);
  return `${n}${t.unit}`;
}

const GB_PER: Record<SizeUnit, number> = { Ki: 1 / (1024 * 1024), Mi: 1 / 1024, Gi: 1, Ti: 1024 };

/** Storage in whole GB (at least 1). */
export function storageGbOf(t: Token): number | undefined {
  if (t.kind !== "size" || t.num === undefined || t.unit === undefined || !(t.num > 0)) return undefined;
  return Math.max(1, Math.ceil(t.num * GB_PER[t.unit] - 1e-9));
}

export const CPU_NOUNS = words("cpu vcpu core processor");
const MILLI = words("m millicore millicpu mcpu millicores");

export interface CpuHit {
  readonly cpu: string;
  readonly start: number;
  readonly end: number;
}

const wAt = (tokens: readonly Token[], i: number): string => tokens[i]?.w ?? "";

function cores(n: number): string | undefined {
  if (!(n > 0) || n > 512) return undefined;
  if (Number.isInteger(n)) return String(n);
  return `${Math.round(n * 1000)}m`;
}

/** Skips "of", "a", "an" and "cpu" after a fraction word ("half of a CPU" -> index of "cpu"). */
function nounAfterFraction(tokens: readonly Token[], i: number): number | undefined {
  let j = i;
  while (["of", "a", "an", "one"].includes(wAt(tokens, j)) && j < i + 3) j++;
  return CPU_NOUNS.has(wAt(tokens, j)) ? j : undefined;
}

/** A CPU amount starting at token i. */
export function readCpu(tokens: readonly Token[], i: number): CpuHit | undefined {
  const first = wAt(tokens, i);
  const article = first === "a" || first === "an";
  const k = article ? i + 1 : i;
  const frac = wAt(tokens, k);
  if (frac === "half" || frac === "quarter") {
    const noun = nounAfterFraction(tokens, k + 1);
    if (noun !== undefined) return { cpu: frac === "half" ? "500m" : "250m", start: i, end: noun + 1 };
  }
  if (article) {
    let j = k;
    if (["single", "full", "whole", "dedicated"].includes(wAt(tokens, j))) j++;
    if (CPU_NOUNS.has(wAt(tokens, j))) return { cpu: "1", start: i, end: j + 1 };
    return undefined;
  }
  const num = readNumber(tokens, i);
  if (num === undefined) return undefined;
  let j = num.end;
  if (MILLI.has(wAt(tokens, j))) {
    const end = CPU_NOUNS.has(wAt(tokens, j + 1)) ? j + 2 : j + 1;
    if (wAt(tokens, j) === "m" && !CPU_NOUNS.has(wAt(tokens, j + 1)) && !CPU_NOUNS.has(wAt(tokens, i - 1))) {
      return undefined;
    }
    return num.value > 0 ? { cpu: `${Math.round(num.value)}m`, start: i, end } : undefined;
  }
  if (["virtual", "full", "dedicated"].includes(wAt(tokens, j))) j++;
  if (!CPU_NOUNS.has(wAt(tokens, j))) return undefined;
  const cpu = cores(num.value);
  if (cpu === undefined) return undefined;
  const end = wAt(tokens, j + 1) === "core" ? j + 2 : j + 1;
  return { cpu, start: i, end };
}

/** "cpu: 2", "cpu of 500m", "cpu limit 1.5": a CPU noun followed by an amount. */
export function readCpuAfterNoun(tokens: readonly Token[], i: number): CpuHit | undefined {
  if (!CPU_NOUNS.has(wAt(tokens, i))) return undefined;
  let j = i + 1;
  while ([":", "of", "=", "limit", "request", "to", "is", "at"].includes(wAt(tokens, j)) && j < i + 4) j++;
  const num = readNumber(tokens, j);
  if (num === undefined || !num.digits) return undefined;
  if (MILLI.has(wAt(tokens, num.end)))
    return { cpu: `${Math.round(num.value)}m`, start: i, end: num.end + 1 };
  const next = tokens[num.end];
  if (next && (next.kind === "size" || CPU_NOUNS.has(next.w))) return undefined;
  const cpu = cores(num.value);
  return cpu ? { cpu, start: i, end: num.end } : undefined;
}
