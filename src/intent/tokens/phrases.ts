/**
 * Multi-word phrase tables over normalized tokens. A phrase is written with
 * spaces ("highly available", "on my machine") and matches the same words
 * whether they were typed with spaces or hyphens ("multi-AZ" = "multi az").
 * Matching is longest-first from one position; tables compile once.
 */
import { normalizeWord } from "./lexicon.js";
import type { Token } from "./tokenizer.js";

export interface PhraseHit<T> {
  readonly value: T;
  readonly start: number;
  /** Index after the last matched token. */
  readonly end: number;
}

export class PhraseTable<T> {
  private readonly byFirst = new Map<string, { words: string[]; value: T }[]>();

  constructor(entries: Iterable<readonly [string, T]>) {
    for (const [phrase, value] of entries) this.add(phrase, value);
  }

  add(phrase: string, value: T): void {
    // Phrase words fold like the text's words ("zones" -> "zone").
    const words = phrase.split(/\s+/).filter(Boolean).map(normalizeWord);
    const first = words[0];
    if (first === undefined) return;
    const list = this.byFirst.get(first) ?? [];
    list.push({ words, value });
    list.sort((a, b) => b.words.length - a.words.length);
    this.byFirst.set(first, list);
  }

  /** The one-word phrases (for "is this a word with a meaning of its own?"). */
  vocabulary(): Set<string> {
    const out = new Set<string>();
    for (const list of this.byFirst.values())
      for (const e of list) if (e.words.length === 1) out.add(e.words[0] ?? "");
    return out;
  }

  /** The longest phrase starting at token i, if any, over tokens that `skip` does not exclude. */
  at(tokens: readonly Token[], i: number, skip?: (i: number) => boolean): PhraseHit<T> | undefined {
    const first = tokens[i];
    if (first === undefined) return undefined;
    const list = this.byFirst.get(first.w);
    if (list === undefined) return undefined;
    for (const entry of list) {
      const end = i + entry.words.length;
      if (matches(tokens, i, entry.words) && !(skip && rangeSkipped({ start: i, end }, skip))) {
        return { value: entry.value, start: i, end };
      }
    }
    return undefined;
  }

  /** Every non-overlapping hit, left to right, skipping tokens for which `skip` is true. */
  all(tokens: readonly Token[], skip: (i: number) => boolean = () => false): PhraseHit<T>[] {
    const hits: PhraseHit<T>[] = [];
    for (let i = 0; i < tokens.length; i++) {
      if (skip(i)) continue;
      const hit = this.at(tokens, i, skip);
      if (hit) {
        hits.push(hit);
        i = hit.end - 1;
      }
    }
    return hits;
  }
}

function rangeSkipped(hit: { start: number; end: number }, skip: (i: number) => boolean): boolean {
  for (let i = hit.start; i < hit.end; i++) if (skip(i)) return true;
  return false;
}

function matches(tokens: readonly Token[], i: number, words: readonly string[]): boolean {
  for (let k = 0; k < words.length; k++) {
    const t = tokens[i + k];
    if (t === undefined || t.w !== words[k]) return false;
  }
  return true;
}

/** Builds a table where each key string lists several phrases separated by "|". */
export function table<T>(spec: Record<string, T> | readonly (readonly [string, T])[]): PhraseTable<T> {
  const entries = Array.isArray(spec) ? spec : Object.entries(spec);
  const out: [string, T][] = [];
  for (const [phrases, value] of entries as [string, T][]) {
    for (const p of phrases.split("|")) out.push([p.trim(), value]);
  }
  return new PhraseTable(out);
}

/** A set of single normalized words. */
export function words(list: string): ReadonlySet<string> {
  return new Set(list.split(/\s+/).filter(Boolean));
}
