/** The tokens the tokenizer produces, shared by every pass. */
export type TokenKind =
  | "word"
  | "number"
  | "version"
  | "image"
  | "url"
  | "domain"
  | "port"
  | "size"
  | "money"
  | "percent"
  | "env"
  | "path"
  | "time"
  | "ordinal"
  | "cron"
  | "punct"
  | "other";

export interface Token {
  readonly kind: TokenKind;
  /** As written (for words: one hyphen-separated part). */
  readonly text: string;
  /** Normalized form used by the grammar: the lemma for words, a canonical string otherwise. */
  readonly w: string;
  /** The joiner to the previous token when there was no space ("-", "/", ""), else undefined. */
  readonly glue?: string;
  /** number, port, percent, money (USD), size value, ordinal. */
  readonly num?: number;
  /** size unit: "Ki" | "Mi" | "Gi" | "Ti". */
  readonly unit?: SizeUnit;
  /** env assignment, or url host. */
  readonly key?: string;
  readonly value?: string;
  /** time of day. */
  readonly hour?: number;
  readonly minute?: number;
  /** url scheme was https (or wss). */
  readonly secure?: boolean;
  /** Written with "'s" ("payroll's api"). */
  readonly possessive?: boolean;
  /** Inside "( ... )": the group's number (1, 2, ...), so a parenthetical attaches to what it follows. */
  readonly paren?: number;
}

export type SizeUnit = "Ki" | "Mi" | "Gi" | "Ti";

/** A token before its normalized form is computed. */
export type Draft = Omit<Token, "w"> & { w?: string };

export function tok(kind: TokenKind, text: string, extra: Partial<Token> = {}): Draft {
  return { kind, text, ...extra };
}

/** "9am", "6:30 pm" -> a time token (24-hour). */
export function time12(text: string, h = "0", mm: string | undefined, ap = "am"): Draft {
  let hour = Number(h) % 12;
  if (ap.toLowerCase().startsWith("p")) hour += 12;
  return tok("time", text, { hour: hour % 24, minute: Math.min(Number(mm ?? 0), 59) });
}
