/**
 * Multi-word phrase tables over normalized tokens. A phrase is written with
 * spaces ("highly available", "on my machine") and matches the same words
 * whether they were typed with spaces or hyphens ("multi-AZ" = "multi az").
 * Matching is longest-first from one position. A table is defined where it is
 * read and compiled on first use, mostly from the generated index
 * (phrase-compile.ts says why), so a request pays only for the tables it reads.
 */
import { type CompiledPhrase, compiledTable } from "./phrase-compile.js";
import type { Token } from "./tokenizer.js";

export interface PhraseHit<T> {
  readonly value: T;
  readonly start: number;
  /** Index after the last matched token. */
  readonly end: number;
}

/** A definition: phrase strings ("a|b|c": alternatives) and the value each entry stands for. */
export type PhraseEntries<T> = readonly (readonly [phrases: string, value: T])[];

/** Every table defined so far, by name: scripts/gen-intent-tables.mjs compiles them into the index. */
const defined = new Map<string, PhraseTable<unknown>>();

export function definedTables(): ReadonlyMap<string, PhraseTable<unknown>> {
  return defined;
}

/** A compiled table: phrases by first word, each with the index of its entry's value. */
interface Compiled<T> {
  readonly byFirst: ReadonlyMap<string, readonly CompiledPhrase[]>;
  readonly values: readonly T[];
}

export class PhraseTable<T> {
  private compiled: Compiled<T> | undefined;

  /**
   * `name` keys the table in the generated index (unique); `define` gives its
   * entries, called when the table is first read.
   */
  constructor(
    readonly name: string,
    private readonly define: () => PhraseEntries<T>,
  ) {
    if (defined.has(name)) throw new Error(`phrase table ${name} is defined twice`);
    defined.set(name, this);
  }

  /** The definition's phrase strings, one per entry, in order (what the index is compiled from). */
  phrases(): string[] {
    return this.define().map(([phrases]) => phrases);
  }

  /** Compiled on first use. */
  private get table(): Compiled<T> {
    if (this.compiled === undefined) {
      const entries = this.define();
      const phrases = entries.map(([text]) => text);
      const values = entries.map(([, value]) => value);
      this.compiled = { byFirst: new Map(compiledTable(this.name, phrases)), values };
    }
    return this.compiled;
  }

  /** True when the word alone is one of the phrases. */
  hasWord(w: string): boolean {
    return this.table.byFirst.get(w)?.some(([words]) => words.length === 1) ?? false;
  }

  /** The longest phrase starting at token i, if any, over tokens that `skip` does not exclude. */
  at(tokens: readonly Token[], i: number, skip?: (i: number) => boolean): PhraseHit<T> | undefined {
    const first = tokens[i];
    if (first === undefined) return undefined;
    const { byFirst, values } = this.table;
    const list = byFirst.get(first.w);
    if (list === undefined) return undefined;
    for (const [words, entry] of list) {
      const end = i + words.length;
      if (matches(tokens, i, words) && !(skip && rangeSkipped({ start: i, end }, skip))) {
        return { value: values[entry] as T, start: i, end };
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

/**
 * A table where each key lists several phrases separated by "|". `name`
 * ("<file>.<CONSTANT>") keys it in the generated index.
 */
export function table<T>(name: string, spec: Record<string, T> | PhraseEntries<T>): PhraseTable<T> {
  return new PhraseTable(name, () => (isEntries(spec) ? spec : Object.entries(spec)));
}

function isEntries<T>(spec: Record<string, T> | PhraseEntries<T>): spec is PhraseEntries<T> {
  return Array.isArray(spec);
}

/** A set of single normalized words. */
export function words(list: string): ReadonlySet<string> {
  return new Set(list.split(/\s+/).filter(Boolean));
}
