/**
 * Secret detection, in one place: by the name of a setting, by the shape of a
 * value (known token prefixes, private keys, JWTs, long random strings) and
 * inside URLs (`scheme://user:password@host`). The state store's redaction,
 * the policy rules on env and the server's log all ask here (masking is in
 * ./redact.ts), so a value one of them calls a secret the others do too.
 */

export type SecretKind =
  | "an AWS access key id"
  | "a private key"
  | "a JSON Web Token"
  | "a GitHub token"
  | "a GitLab token"
  | "a Slack token"
  | "a Stripe secret key"
  | "a Google API key"
  | "an LLM API key"
  | "a high-entropy secret";

/**
 * Known credential shapes. Each pattern is global so maskers can replace every
 * occurrence; `secretKindOf` resets `lastIndex` before testing.
 */
export const SECRET_VALUE_PATTERNS: ReadonlyArray<readonly [RegExp, SecretKind]> = [
  [
    /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|$)/g,
    "a private key",
  ],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, "an AWS access key id"],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, "a JSON Web Token"],
  [/\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})/g, "a GitHub token"],
  [/\bglpat-[A-Za-z0-9_-]{20,}/g, "a GitLab token"],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/g, "a Slack token"],
  [/\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}/g, "a Stripe secret key"],
  [/\bAIza[0-9A-Za-z_-]{35}/g, "a Google API key"],
  [/\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}/g, "an LLM API key"],
];

export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Candidate tokens for the entropy rule: runs of base64/base64url characters. */
export const TOKEN_RUN = /[A-Za-z0-9+/=_-]{24,}/g;
const HEX_OR_UUID = /^[0-9a-fA-F-]+$/;

/**
 * The entropy rule. A token (a run of `A-Z a-z 0-9 + / = _ -`) is a secret when:
 * - it is at least 24 characters long;
 * - it is not made of hex digits and dashes only (image digests, git commits,
 *   UUIDs are identifiers: a hex secret is caught by its name only);
 * - it holds a digit, an upper-case and a lower-case letter;
 * - it has a stretch of 16 characters without `-`, `_` or `/` (names such as
 *   `eu-west-1-production-cluster-17` are words joined by separators);
 * - its Shannon entropy is at least min(4.3, 3.4 + 0.025 x length) bits per
 *   character: 4.0 at 24 characters, 4.2 at 32, 4.3 from 36. Measured on
 *   random base62 strings, 95% of 24-character and 99% of 40-character ones
 *   pass; CamelCase identifiers of that length mostly stay under.
 */
export function isHighEntropyToken(token: string): boolean {
  if (token.length < 24 || HEX_OR_UUID.test(token)) return false;
  if (!/[0-9]/.test(token) || !/[a-z]/.test(token) || !/[A-Z]/.test(token)) return false;
  if (!token.split(/[-_/]/).some((part) => part.length >= 16)) return false;
  return shannonEntropy(token) >= Math.min(4.3, 3.4 + 0.025 * token.length);
}

/** What kind of credential `value` holds (anywhere in it), or undefined. */
export function secretKindOf(value: string): SecretKind | undefined {
  for (const [pattern, kind] of SECRET_VALUE_PATTERNS) {
    pattern.lastIndex = 0;
    if (pattern.test(value)) return kind;
  }
  const runs = value.match(TOKEN_RUN) ?? [];
  return runs.some(isHighEntropyToken) ? "a high-entropy secret" : undefined;
}

/* ---------- URLs ---------- */

const SCHEME = /[a-z][a-z0-9+.-]*:\/\//gi;
const VARIABLE = /^\$\{[^}]+\}$|^\$[A-Za-z_][A-Za-z0-9_]*$/;

export interface UrlPassword {
  /** Offset of the password's first character in the text. */
  readonly start: number;
  /** Offset just after the password (the "@" before the host). */
  readonly end: number;
}

/**
 * The passwords of every `scheme://user:password@host` in `text`. The user is
 * what precedes the first ":" (it holds no ":", "/" or "@"); the password runs
 * from there to the LAST "@" of the URL, so "@", ":", "/" and "#" inside it
 * are masked with it (`postgres://u:p@ss:w0rd/x@host/db`). A URL ends at the
 * next URL, and in free text (`whole` false) at whitespace. Over-masking is the
 * safe side: `https://host:8080/a@b` loses "8080/a" too.
 */
export function urlPasswords(text: string, whole = false): UrlPassword[] {
  const starts = [...text.matchAll(SCHEME)].map((m) => ({ at: m.index, body: m.index + m[0].length }));
  const found: UrlPassword[] = [];
  starts.forEach((s, i) => {
    let end = starts[i + 1]?.at ?? text.length;
    if (!whole) {
      const space = text.slice(s.body, end).search(/\s/);
      if (space >= 0) end = s.body + space;
    }
    const url = text.slice(s.body, end);
    const userEnd = url.search(/[:/@?#]/);
    if (userEnd < 0 || url[userEnd] !== ":") return;
    const at = url.lastIndexOf("@");
    if (at <= userEnd + 1) return;
    found.push({ start: s.body + userEnd + 1, end: s.body + at });
  });
  return found;
}

/** `postgres://user:pass@host/db` with a literal password (not `${VAR}`, not `***`). */
export function urlHasPassword(value: string): boolean {
  const v = value.trim();
  return urlPasswords(v, true).some((p) => {
    const password = v.slice(p.start, p.end);
    return !VARIABLE.test(password) && !/^\*+$/.test(password) && password !== "[redacted]";
  });
}

/* ---------- names ---------- */

/** Whole words that mark a secret (matched after splitting snake, kebab and camel case). */
const SECRET_WORDS = new Set(["key", "keys", "apikey", "pass", "pwd", "auth", "dsn", "cert", "pem", "jwt"]);
/** Fragments that mark a secret anywhere in the name. */
const SECRET_FRAGMENTS = ["password", "passwd", "passphrase", "secret", "token", "credential", "privatekey"];

/**
 * Broad: any name that might hold a secret (`DB_PASSWORD`, `apiKey`,
 * `AWS_ACCESS_KEY_ID`, `credentials`). For redaction, where over-redacting is
 * the safe side.
 */
export function looksSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
  if (words.some((w) => SECRET_WORDS.has(w))) return true;
  const joined = words.join("");
  return SECRET_FRAGMENTS.some((f) => joined.includes(f));
}

const STRICT_SUFFIXES = [
  "PASSWORD",
  "PASSWD",
  "PASSPHRASE",
  "SECRET",
  "TOKEN",
  "APIKEY",
  "PRIVATEKEY",
  "CREDENTIALS",
];
const STRICT_WORDS = new Set(["KEY", "PASS", "PWD", "CREDENTIAL", "CREDENTIALS"]);
/** A last word that makes the variable describe a secret rather than hold one (TOKEN_TTL, API_KEY_FILE). */
const DESCRIPTIVE_SUFFIXES = new Set(
  "ID FILE PATH DIR NAME TTL EXPIRY EXPIRES TIMEOUT LENGTH LEN SIZE HEADER PREFIX URL URI ENDPOINT ALGORITHM TYPE REF ARN ENABLED REGION MODE VERSION HOST PORT USER USERNAME".split(
    " ",
  ),
);

export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((w) => w.length > 0);
}

/**
 * Narrow: a variable that holds a secret itself. DB_PASSWORD, API_TOKEN,
 * stripeSecretKey: yes. TOKEN_TTL, PUBLIC_KEY, AWS_ACCESS_KEY_ID: no. For
 * policy findings, where a false alarm costs a person's time.
 */
export function isSecretName(name: string): boolean {
  const words = nameWords(name);
  const last = words.at(-1);
  if (last === undefined || DESCRIPTIVE_SUFFIXES.has(last)) return false;
  if (words.includes("PUBLIC") || words.includes("PUBLISHABLE")) return false;
  return words.some((w) => STRICT_WORDS.has(w) || STRICT_SUFFIXES.some((s) => w.endsWith(s)));
}
