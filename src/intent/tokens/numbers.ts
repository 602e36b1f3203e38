/**
 * Numbers written as digits or words: "3", "ten", "twenty-five", "a dozen",
 * "a couple of", "a pair of", "a single", "one hundred".
 */
import type { Token } from "./tokenizer.js";

const UNITS: ReadonlyMap<string, number> = new Map([
  ["zero", 0],
  ["one", 1],
  ["two", 2],
  ["three", 3],
  ["four", 4],
  ["five", 5],
  ["six", 6],
  ["seven", 7],
  ["eight", 8],
  ["nine", 9],
  ["ten", 10],
  ["eleven", 11],
  ["twelve", 12],
  ["thirteen", 13],
  ["fourteen", 14],
  ["fifteen", 15],
  ["sixteen", 16],
  ["seventeen", 17],
  ["eighteen", 18],
  ["nineteen", 19],
  ["single", 1],
  ["dozen", 12],
]);
const TENS: ReadonlyMap<string, number> = new Map([
  ["twenty", 20],
  ["thirty", 30],
  ["forty", 40],
  ["fifty", 50],
  ["sixty", 60],
  ["seventy", 70],
  ["eighty", 80],
  ["ninety", 90],
]);

export interface NumberHit {
  readonly value: number;
  readonly start: number;
  readonly end: number;
  /** Written with digits (not words). */
  readonly digits: boolean;
}

const w = (tokens: readonly Token[], i: number): string => tokens[i]?.w ?? "";

/** Reads a number starting at token i (an optional leading "a"/"an" is part of "a dozen", "a couple of"). */
export function readNumber(tokens: readonly Token[], i: number): NumberHit | undefined {
  const t = tokens[i];
  if (t === undefined) return undefined;
  if (t.kind === "number" && t.num !== undefined) return { value: t.num, start: i, end: i + 1, digits: true };
  if (t.kind !== "word") return undefined;
  const article = t.w === "a" || t.w === "an";
  const j = article ? i + 1 : i;
  const idiom = readIdiom(tokens, j);
  if (idiom) return { value: idiom.value, start: i, end: idiom.end, digits: false };
  if (article) {
    // "a single", "a hundred"
    if (w(tokens, j) === "single") return { value: 1, start: i, end: j + 1, digits: false };
    if (w(tokens, j) === "hundred") return { value: 100, start: i, end: j + 1, digits: false };
    return undefined;
  }
  return readWords(tokens, i);
}

function readIdiom(tokens: readonly Token[], j: number): { value: number; end: number } | undefined {
  const a = w(tokens, j);
  const b = w(tokens, j + 1);
  if (a === "couple" || a === "pair") return { value: 2, end: b === "of" ? j + 2 : j + 1 };
  if (a === "dozen") return { value: 12, end: b === "of" ? j + 2 : j + 1 };
  if (a === "half" && b === "a" && w(tokens, j + 2) === "dozen") return { value: 6, end: j + 3 };
  return undefined;
}

function readWords(tokens: readonly Token[], i: number): NumberHit | undefined {
  const first = w(tokens, i);
  let value: number;
  let end = i + 1;
  const tens = TENS.get(first);
  if (tens !== undefined) {
    value = tens;
    const unit = UNITS.get(w(tokens, i + 1));
    if (unit !== undefined && unit > 0 && unit < 10) {
      value += unit;
      end = i + 2;
    }
  } else {
    const unit = UNITS.get(first);
    if (unit === undefined) return undefined;
    value = unit;
  }
  if (w(tokens, end) === "hundred") {
    value *= 100;
    end++;
  }
  return { value, start: i, end, digits: false };
}

/** True when the token at i starts a number. */
export function isNumberAt(tokens: readonly Token[], i: number): boolean {
  return readNumber(tokens, i) !== undefined;
}
