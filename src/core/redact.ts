/**
 * Masking, built on ./secrets.ts: what the state store records, what the
 * server logs. Over-redacting is the safe side everywhere here: a rollback
 * re-reads secrets from their source, never from a record.
 */
import {
  isHighEntropyToken,
  looksSecretName,
  SECRET_VALUE_PATTERNS,
  TOKEN_RUN,
  urlPasswords,
} from "./secrets.js";

export const REDACTED = "[redacted]";

/** `secret:NAME`: a reference the deployment resolves, kept so a rollback can resolve it again. */
const SECRET_REF = /^secret:[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Every URL password masked whole (see `urlPasswords` for where a URL ends). */
export function maskUrlPasswords(text: string, whole = false): string {
  let out = "";
  let from = 0;
  for (const p of urlPasswords(text, whole)) {
    out += `${text.slice(from, p.start)}${REDACTED}`;
    from = p.end;
  }
  return out + text.slice(from);
}

/**
 * Credentials recognised by their value, wherever they sit in `text`: URL
 * passwords, known token shapes (sk_live_, ghp_, xoxb-, AKIA..., PEM private
 * keys, JWTs) and long random tokens (the entropy rule of secrets.ts).
 */
export function maskSecretValues(text: string, whole = false): string {
  let out = maskUrlPasswords(text, whole);
  for (const [pattern] of SECRET_VALUE_PATTERNS) out = out.replace(pattern, REDACTED);
  return out.replace(TOKEN_RUN, (run) => (isHighEntropyToken(run) ? REDACTED : run));
}

/**
 * A deep copy of `value` (JSON-like data) with the strings and numbers under a
 * secret-looking key redacted; under a secret-looking container (`credentials:
 * {...}`) every string and number is; elsewhere credentials are masked by
 * value. Booleans are kept: they are no secrets.
 */
export function redactSecrets(value: unknown, inSecret = false): unknown {
  if (typeof value === "string") {
    if (SECRET_REF.test(value)) return value;
    return inSecret ? REDACTED : maskSecretValues(value, true);
  }
  if (typeof value === "number" || typeof value === "bigint") return inSecret ? REDACTED : value;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, inSecret));
  if (value === null || typeof value !== "object") return value;
  // A null prototype: a "__proto__" key in the data stays a plain key.
  const out: Record<string, unknown> = Object.create(null);
  for (const [key, inner] of Object.entries(value)) {
    out[key] = redactSecrets(inner, inSecret || looksSecretName(key));
  }
  return out;
}

/**
 * Free text (request words, log messages, error stacks): `NAME=value` and
 * `NAME: value` pairs with a secret-looking NAME, `Bearer` tokens, and every
 * credential recognised by value.
 */
export function redactText(text: string): string {
  const pairs = /\b([A-Za-z_][A-Za-z0-9_.-]*)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;]+)/g;
  const masked = text
    .replace(/\b(bearer\s+)[^\s"',;]+/gi, `$1${REDACTED}`)
    .replace(pairs, (whole, name: string, sep: string, inner: string) =>
      looksSecretName(name) && !inner.startsWith(REDACTED) ? `${name}${sep}${REDACTED}` : whole,
    );
  return maskSecretValues(masked);
}
