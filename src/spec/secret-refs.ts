/**
 * Secret references in env values: `STRIPE_KEY: secret:STRIPE_KEY`. The spec,
 * its stored revisions and the audit log hold only the reference; the value is
 * read when a deployment renders its artifacts, from the environment of the
 * process that deploys (`CODEPLOY_SECRET_<NAME>`: a CI secret, or the
 * environment of `codeploy serve`). Only that prefix is read, so a spec cannot
 * pull other variables of the deploying process (its cloud keys, the JWT
 * secret) into a container.
 */
import { CodeError } from "../core/errors.js";
import type { DeploymentSpec } from "./schema.js";

const REFERENCE = /^secret:([A-Za-z_][A-Za-z0-9_.-]*)$/;

/** `secret:NAME` -> NAME; anything else -> undefined. */
export function secretRefName(value: string): string | undefined {
  return REFERENCE.exec(value)?.[1];
}

/** A value that tries to be a reference but is not a valid one (for the validator's message). */
export function isMalformedSecretRef(value: string): boolean {
  return value.startsWith("secret:") && secretRefName(value) === undefined;
}

/** The environment variable a reference is read from: `api-bearer` -> `CODEPLOY_SECRET_API_BEARER`. */
export function secretEnvVar(name: string): string {
  return `CODEPLOY_SECRET_${name.toUpperCase().replace(/[^A-Z0-9_]/g, "_")}`;
}

/** Every secret name the spec's services refer to, sorted, once each. */
export function secretNamesOf(spec: Pick<DeploymentSpec, "services">): string[] {
  const names = new Set<string>();
  for (const s of spec.services)
    for (const value of Object.values(s.env)) {
      const name = secretRefName(value);
      if (name !== undefined) names.add(name);
    }
  return [...names].sort();
}

export interface ResolvedSecrets {
  /** NAME -> value, for the names that are set. */
  readonly values: Readonly<Record<string, string>>;
  /** Names referred to but not set (or set to an empty string). */
  readonly missing: readonly string[];
}

export function resolveSecrets(
  spec: Pick<DeploymentSpec, "services">,
  env: Readonly<Record<string, string | undefined>>,
): ResolvedSecrets {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of secretNamesOf(spec)) {
    const value = env[secretEnvVar(name)];
    if (value === undefined || value === "") missing.push(name);
    else values[name] = value;
  }
  return { values, missing };
}

export class SecretMissingError extends CodeError {
  constructor(app: string, environment: string, missing: readonly string[]) {
    const vars = missing.map(secretEnvVar);
    super(
      "SECRET_MISSING",
      `${app}/${environment} refers to ${missing.length === 1 ? "a secret that is" : "secrets that are"} not set: ${missing.join(", ")}`,
      {
        hint: `set ${vars.join(", ")} in the environment of the process that deploys (your CI's secrets, or the environment of codeploy serve)`,
        details: { missing: [...missing] },
      },
    );
  }
}

/** The values a deployment needs, or SecretMissingError naming every one that is not set. */
export function requireSecrets(
  spec: Pick<DeploymentSpec, "name" | "environment" | "services">,
  env: Readonly<Record<string, string | undefined>>,
): Readonly<Record<string, string>> {
  const { values, missing } = resolveSecrets(spec, env);
  if (missing.length > 0) throw new SecretMissingError(spec.name, spec.environment, missing);
  return values;
}
