/**
 * Hides secret values from what CODE logs, records and prints about a
 * Terraform run: connection strings, passwords and tokens from the
 * environment, and `-var`/`-backend-config` values with secret-looking names.
 */
import type { Env } from "./binary.js";

const SECRET_NAME = /pass(word)?|secret|token|key|credential|conn_str|database_url|private|auth/i;
const MASK = "[redacted]";

export type Redactor = (text: string) => string;

/** Names of settings whose values must not be shown: `DB_PASSWORD`, `api_token`, `conn_str`. */
export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Values of environment variables whose names look secret (at least 6 characters, to avoid masking common words). */
export function secretValues(env: Env): string[] {
  return Object.entries(env).flatMap(([name, value]) =>
    value && value.length >= 6 && SECRET_NAME.test(name) ? [value] : [],
  );
}

export function createRedactor(secrets: readonly string[]): Redactor {
  // Longest first, so a URL is masked whole rather than around its password.
  const values = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const value of values) out = out.split(value).join(MASK);
    return out;
  };
}

/** `-var db_password=x` and `-backend-config=access_key=x` show their names, not their values. */
export function redactArgs(args: readonly string[]): string[] {
  return args.map((arg) =>
    arg.replace(/^((?:-var=|-backend-config=)?)([A-Za-z0-9_]+)=(.*)$/, (all, flag: string, name: string) =>
      SECRET_NAME.test(name) ? `${flag}${name}=${MASK}` : all,
    ),
  );
}
