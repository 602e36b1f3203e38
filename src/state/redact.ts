/**
 * Secrets never enter the state store. A stored spec is the user's spec, which may
 * carry literal env values (DB_PASSWORD: hunter2); before storing, every string
 * value under a secret-looking name is replaced by "[redacted]", and passwords
 * inside URLs (postgres://user:pw@host) are masked. Over-redacting is the safe
 * side: a rollback re-reads secrets from the credential source, not from here.
 */

import { secretRefName } from "../spec/secret-refs.js";

export const REDACTED = "[redacted]";

/** Whole words that mark a secret (matched after splitting snake, kebab and camel case). */
const SECRET_WORDS = new Set(["key", "keys", "apikey", "pass", "pwd", "auth", "dsn", "cert", "pem", "jwt"]);
/** Fragments that mark a secret anywhere in the name. */
const SECRET_FRAGMENTS = ["password", "passwd", "passphrase", "secret", "token", "credential", "privatekey"];

export function looksSecret(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
  if (words.some((w) => SECRET_WORDS.has(w))) return true;
  const joined = words.join("");
  return SECRET_FRAGMENTS.some((f) => joined.includes(f));
}

/** `scheme://user:password@host` -> `scheme://user:[redacted]@host`. */
export function maskUrlPasswords(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]+@/gi, `$1:${REDACTED}@`);
}

/**
 * A deep copy of `value` (JSON-like data) with the strings and numbers under a
 * secret-looking key redacted; under a secret-looking container (`credentials:
 * {...}`) every string and number is. Booleans are kept: they are no secrets.
 */
export function redactSecrets(value: unknown, inSecret = false): unknown {
  // A `secret:NAME` reference is no secret: keeping it lets a rollback resolve the value again.
  if (typeof value === "string")
    return inSecret && secretRefName(value) === undefined ? REDACTED : maskUrlPasswords(value);
  if (typeof value === "number" || typeof value === "bigint") return inSecret ? REDACTED : value;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, inSecret));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = redactSecrets(inner, inSecret || looksSecret(key));
  }
  return out;
}

/**
 * Redacts `NAME=value` and `NAME: value` pairs with a secret-looking NAME in free
 * text (the request words), plus URL passwords.
 */
export function redactText(text: string): string {
  const pairs = /\b([A-Za-z_][A-Za-z0-9_.-]*)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;]+)/g;
  const masked = text.replace(pairs, (whole, name: string, sep: string, _value: string) =>
    looksSecret(name) ? `${name}${sep}${REDACTED}` : whole,
  );
  return maskUrlPasswords(masked);
}
