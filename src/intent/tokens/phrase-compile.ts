/**
 * Compiling a phrase table's definition: every "a|b|c" alternative split into
 * normalized words, grouped by first word, longest first. Doing this for the
 * ~1,000 phrases of the interpreter cost every CLI run several ms before its
 * first answer (issue 26), so the compiled form is generated ahead
 * (phrase-index.generated.ts, written by `node scripts/gen-intent-tables.mjs`)
 * by this same function, and used only while it still matches: the table's
 * phrases and the lexicon's data are compared, and a table edited since the
 * index was generated compiles at run time instead, with the same result.
 */
import { lexiconSignature, normalizeWord } from "./lexicon.js";
import { LEXICON, PHRASE_INDEX } from "./phrase-index.generated.js";

/** One phrase: its normalized words and the definition entry whose value it carries. */
export type CompiledPhrase = readonly [words: readonly string[], entry: number];
/** Phrases by first word (first words in definition order), longest first, ties in definition order. */
export type CompiledTable = readonly (readonly [first: string, phrases: readonly CompiledPhrase[]])[];

/** A table as the generated index holds it: the phrases it was compiled from, and the compiled table as JSON. */
export interface IndexedTable {
  /** JSON of the definition's phrase strings, in order. */
  readonly source: string;
  /** JSON of the CompiledTable. */
  readonly index: string;
}

/** Compiles the phrase strings of a definition (one string per entry, alternatives separated by "|"). */
export function compilePhrases(phrases: readonly string[]): CompiledTable {
  const byFirst = new Map<string, CompiledPhrase[]>();
  phrases.forEach((alternatives, entry) => {
    for (const phrase of alternatives.split("|")) {
      // Phrase words fold like the text's words ("zones" -> "zone").
      const words = phrase.split(/\s+/).filter(Boolean).map(normalizeWord);
      const first = words[0];
      if (first === undefined) continue;
      const list = byFirst.get(first);
      if (list === undefined) byFirst.set(first, [[words, entry]]);
      else list.push([words, entry]);
    }
  });
  // A stable sort: among phrases of one length the one listed first wins.
  return [...byFirst].map(
    ([first, list]) => [first, list.sort((a, b) => b[0].length - a[0].length)] as const,
  );
}

/** The table's compiled form: from the generated index while it matches the definition, else compiled now. */
export function compiledTable(name: string, phrases: readonly string[]): CompiledTable {
  const indexed = PHRASE_INDEX[name];
  if (indexed !== undefined && indexed.source === JSON.stringify(phrases) && LEXICON === lexiconSignature()) {
    const compiled: CompiledTable = JSON.parse(indexed.index);
    return compiled;
  }
  return compilePhrases(phrases);
}

/** The generated index's entry for a table (what scripts/gen-intent-tables.mjs writes). */
export function indexedTable(phrases: readonly string[]): IndexedTable {
  return { source: JSON.stringify(phrases), index: JSON.stringify(compilePhrases(phrases)) };
}
