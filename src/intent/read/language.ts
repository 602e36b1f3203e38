/**
 * Requests in another language: the lexicon reads the deployment words of
 * Spanish, French and German requests as English ("despliega", "réplicas"),
 * but a sentence in any other language, or words outside that small
 * vocabulary, would lose facts in silence. The language is told by its
 * function words ("la", "avec", "und"), which a request's technical words
 * never are; when a request is in another language, every content word that
 * no pass read becomes part of one question, and a fully read one is still
 * said in the assumptions.
 */
import type { Ctx } from "../tokens/context.js";
import { ENGLISH_FUNCTION_WORDS as ENGLISH, FUNCTION_WORDS, READ_LANGUAGES } from "../vocab/languages.js";

/** A request is in another language when at least this many of its words are that language's function words. */
const MIN_HITS = 2;

export interface LanguageGuess {
  readonly language: string;
  readonly hits: number;
}

/** The language of the words when it is not English, by function-word count. */
export function guessLanguage(ctx: Ctx): LanguageGuess | undefined {
  const raw = rawWords(ctx);
  const english = raw.filter((w) => ENGLISH.has(w)).length;
  let best: LanguageGuess | undefined;
  for (const [language, words] of Object.entries(FUNCTION_WORDS)) {
    const hits = raw.filter((w) => words.has(w) && !ENGLISH.has(w)).length;
    if (hits > (best?.hits ?? 0)) best = { language, hits };
  }
  return best && best.hits >= MIN_HITS && best.hits > english ? best : undefined;
}

/**
 * In a request in another language, the words no pass read (and the lexicon
 * did not translate) are a question; a request read whole is an assumption.
 */
export function askForeign(ctx: Ctx): void {
  const guess = guessLanguage(ctx);
  if (!guess) return;
  const functionWords = FUNCTION_WORDS[guess.language] ?? new Set<string>();
  const unread: string[] = [];
  ctx.tokens.forEach((t, i) => {
    if (t.kind !== "word" || ctx.isUsed(i)) return;
    const raw = t.text.toLowerCase().replace(/’/g, "'");
    // Translated or normalized by the lexicon: a word the grammar knows.
    if (t.w !== raw || functionWords.has(raw) || ENGLISH.has(raw)) return;
    if (!unread.includes(t.text)) unread.push(t.text);
  });
  const supported = READ_LANGUAGES.has(guess.language);
  if (unread.length === 0 && supported) {
    ctx.assume(`the request is in ${guess.language}: read through its deployment words`);
    return;
  }
  const words = unread
    .slice(0, 8)
    .map((w) => `"${w}"`)
    .join(", ");
  ctx.ask(
    supported
      ? `the request is in ${guess.language} and ${words} ${unread.length === 1 ? "was" : "were"} not understood: is the reading right, or can you say it in English?`
      : `the request seems to be in ${guess.language}, which is not read here${words ? ` (${words} not understood)` : ""}: can you say it in English?`,
  );
}

function rawWords(ctx: Ctx): string[] {
  return ctx.tokens.filter((t) => t.kind === "word").map((t) => t.text.toLowerCase().replace(/’/g, "'"));
}
