/**
 * Secret detection for env values, by variable name and by value pattern.
 * Callers report the variable, never the value: findings are printed and stored.
 */

const SECRET_SUFFIXES = [
  "PASSWORD",
  "PASSWD",
  "PASSPHRASE",
  "SECRET",
  "TOKEN",
  "APIKEY",
  "PRIVATEKEY",
  "CREDENTIALS",
];
const SECRET_WORDS = new Set(["KEY", "PASS", "PWD", "CREDENTIAL", "CREDENTIALS"]);
/** A last word that makes the variable describe a secret rather than hold one (TOKEN_TTL, API_KEY_FILE). */
const DESCRIPTIVE_SUFFIXES = new Set([
  "ID",
  "FILE",
  "PATH",
  "DIR",
  "NAME",
  "TTL",
  "EXPIRY",
  "EXPIRES",
  "TIMEOUT",
  "LENGTH",
  "LEN",
  "SIZE",
  "HEADER",
  "PREFIX",
  "URL",
  "URI",
  "ENDPOINT",
  "ALGORITHM",
  "TYPE",
  "REF",
  "ARN",
  "ENABLED",
  "REGION",
  "MODE",
  "VERSION",
  "HOST",
  "PORT",
  "USER",
  "USERNAME",
]);

export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((w) => w.length > 0);
}

/** DB_PASSWORD, API_TOKEN, stripeSecretKey: yes. TOKEN_TTL, PUBLIC_KEY, AWS_ACCESS_KEY_ID: no. */
export function isSecretName(name: string): boolean {
  const words = nameWords(name);
  const last = words.at(-1);
  if (last === undefined || DESCRIPTIVE_SUFFIXES.has(last)) return false;
  if (words.includes("PUBLIC") || words.includes("PUBLISHABLE")) return false;
  return words.some((w) => SECRET_WORDS.has(w) || SECRET_SUFFIXES.some((s) => w.endsWith(s)));
}

const REFERENCE_PATTERNS: readonly RegExp[] = [
  /^\$\{[^}]+\}$/, // ${DB_PASSWORD}, filled at deploy time
  /^\$[A-Za-z_][A-Za-z0-9_]*$/,
  /^\{\{.+\}\}$/, // templating
  /^(secret|secretref|vault|ref\+[a-z0-9]+|env|file|sops|op|awssm|gcpsm|azkv|k8s-secret):/i,
  /^arn:aws[a-z-]*:(secretsmanager|ssm):/,
  /^projects\/[^/]+\/secrets\//,
  /^@Microsoft\.KeyVault\(/,
];

/** A value that points at a secret store or variable instead of holding the secret. */
export function isReference(value: string): boolean {
  const v = value.trim();
  return REFERENCE_PATTERNS.some((p) => p.test(v));
}

/** Values that cannot be a secret on their own: empty, booleans, references. */
export function isLiteralSecretValue(value: string): boolean {
  const v = value.trim();
  if (v === "" || /^(true|false|yes|no|on|off|none|null)$/i.test(v)) return false;
  return !isReference(v);
}

export type SecretKind =
  | "an AWS access key id"
  | "a private key"
  | "a JSON Web Token"
  | "a GitHub token"
  | "a Slack token"
  | "a Stripe secret key"
  | "a Google API key"
  | "a high-entropy secret";

const VALUE_PATTERNS: ReadonlyArray<readonly [RegExp, SecretKind]> = [
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, "an AWS access key id"],
  [/-----BEGIN ([A-Z]+ )*PRIVATE KEY( BLOCK)?-----/, "a private key"],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{10,}/, "a JSON Web Token"],
  [/\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/, "a GitHub token"],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, "a Slack token"],
  [/\b[sr]k_live_[A-Za-z0-9]{16,}/, "a Stripe secret key"],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, "a Google API key"],
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

/**
 * Long random-looking tokens: 32+ characters, no spaces, upper and lower case
 * and digits, entropy >= 4.2 bits/char. Hex digests, UUIDs, paths and URLs do not match.
 */
function isHighEntropy(value: string): boolean {
  if (value.length < 32 || /\s/.test(value) || value.includes("://") || value.startsWith("/")) return false;
  if (!/[a-z]/.test(value) || !/[A-Z]/.test(value) || !/[0-9]/.test(value)) return false;
  return shannonEntropy(value) >= 4.2;
}

export function secretKindOf(value: string): SecretKind | undefined {
  for (const [pattern, kind] of VALUE_PATTERNS) if (pattern.test(value)) return kind;
  return isHighEntropy(value.trim()) ? "a high-entropy secret" : undefined;
}

/** `postgres://user:pass@host/db` with a literal password (not `${VAR}`). */
export function urlHasPassword(value: string): boolean {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:([^@\s/]+)@/i.exec(value.trim());
  const password = match?.[1];
  if (password === undefined) return false;
  return !/^\$\{[^}]+\}$|^\$[A-Za-z_][A-Za-z0-9_]*$|^\*+$/.test(password);
}
