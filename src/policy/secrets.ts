/**
 * Secret detection for env values, by variable name and by value pattern; the
 * rules themselves live in core/secrets.ts, shared with the store's redaction
 * and the server's log. Callers report the variable, never the value: findings
 * are printed and stored.
 */

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

export {
  isSecretName,
  nameWords,
  type SecretKind,
  secretKindOf,
  shannonEntropy,
  urlHasPassword,
} from "../core/secrets.js";
