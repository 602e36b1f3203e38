/**
 * The reading context shared by the extraction passes: tokens, which tokens
 * a pass already consumed, sentence and clause numbers, and the notes
 * (assumptions, questions) the passes leave for the person.
 */
import type { Token } from "./tokenizer.js";

const SENTENCE_ENDS = new Set([".", ";", "!", "?"]);
const CLAUSE_ENDS = new Set([",", ":"]);
const CLAUSE_WORDS = new Set(["while", "but", "whereas", "plus", "also", "then"]);

/** How the words are read; set once for the whole reading. */
export interface ReadMode {
  /** A base spec is being amended: "the worker" finds the existing one, "instead of X" is a swap. */
  readonly amending?: boolean;
}

export class Ctx {
  readonly tokens: readonly Token[];
  /** True when the words amend a base spec (see ReadMode). */
  readonly amending: boolean;
  readonly sentence: readonly number[];
  readonly clause: readonly number[];
  readonly assumptions: string[] = [];
  readonly questions: string[] = [];
  private readonly used: Uint8Array;
  private readonly starts: readonly number[];
  /** Each parenthetical group's [first, after-last] token index. */
  private readonly groups = new Map<number, { start: number; end: number }>();

  constructor(tokens: readonly Token[], mode: ReadMode = {}) {
    this.tokens = tokens;
    this.amending = mode.amending === true;
    this.used = new Uint8Array(tokens.length);
    const sentence: number[] = [];
    const clause: number[] = [];
    let s = 0;
    let c = 0;
    tokens.forEach((t, i) => {
      if (t.paren === undefined) return;
      const g = this.groups.get(t.paren);
      if (g) g.end = i + 1;
      else this.groups.set(t.paren, { start: i, end: i + 1 });
    });
    for (const t of tokens) {
      if (t.kind === "punct" && SENTENCE_ENDS.has(t.text)) {
        sentence.push(s++);
        clause.push(c++);
        continue;
      }
      // Inside "( ... )" a comma lists the attributes of one thing: "postgres (HA, 100GB)".
      const listed = t.paren !== undefined;
      if (
        (t.kind === "punct" && CLAUSE_ENDS.has(t.text) && !listed) ||
        (t.kind === "word" && CLAUSE_WORDS.has(t.w))
      )
        c++;
      sentence.push(s);
      clause.push(c);
    }
    this.sentence = sentence;
    this.clause = clause;
    const starts: number[] = [];
    sentence.forEach((s, i) => {
      if (starts[s] === undefined) starts[s] = i;
    });
    this.starts = starts;
  }

  get length(): number {
    return this.tokens.length;
  }

  w(i: number): string {
    return this.tokens[i]?.w ?? "";
  }

  t(i: number): Token | undefined {
    return this.tokens[i];
  }

  isUsed(i: number): boolean {
    return this.used[i] === 1;
  }

  anyUsed(start: number, end: number): boolean {
    for (let i = start; i < end; i++) if (this.used[i] === 1) return true;
    return false;
  }

  use(start: number, end = start + 1): void {
    for (let i = Math.max(0, start); i < Math.min(end, this.used.length); i++) this.used[i] = 1;
  }

  /** Gives a word back to later passes ("inside the cluster" is also a kubernetes cue). */
  release(i: number): void {
    if (i >= 0 && i < this.used.length) this.used[i] = 0;
  }

  readonly skipUsed = (i: number): boolean => this.used[i] === 1;

  /** The parenthetical group around token i ("postgres (HA, 100GB)"), if any. */
  parenSpan(i: number): { readonly start: number; readonly end: number } | undefined {
    const g = this.tokens[i]?.paren;
    return g === undefined ? undefined : this.groups.get(g);
  }

  /** Index of the first token of i's sentence. */
  sentenceStart(i: number): number {
    return this.starts[this.sentence[i] ?? 0] ?? 0;
  }

  sameClause(a: number, b: number): boolean {
    return this.clause[a] === this.clause[b];
  }

  sameSentence(a: number, b: number): boolean {
    return this.sentence[a] === this.sentence[b];
  }

  assume(text: string): void {
    if (!this.assumptions.includes(text)) this.assumptions.push(text);
  }

  ask(text: string): void {
    if (!this.questions.includes(text)) this.questions.push(text);
  }

  /** Index of the previous word, skipping articles and the given fillers. */
  prevWord(i: number, skip: ReadonlySet<string> = ARTICLES): number {
    let j = i - 1;
    // Bounded: a phrase's fillers are a few words, and long junk must stay linear.
    while (j >= 0 && j > i - 8 && skip.has(this.w(j))) j--;
    return j;
  }

  /** Index of the next word, skipping articles and the given fillers. */
  nextWord(i: number, skip: ReadonlySet<string> = ARTICLES): number {
    let j = i;
    while (j < this.tokens.length && j < i + 12 && skip.has(this.w(j))) j++;
    return j;
  }
}

export const ARTICLES: ReadonlySet<string> = new Set([
  "the",
  "a",
  "an",
  "my",
  "our",
  "your",
  "its",
  "their",
  "this",
  "that",
]);
