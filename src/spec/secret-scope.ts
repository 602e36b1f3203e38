/**
 * Where a `secret:NAME` reference may resolve. The `secrets:` section of
 * codeploy.yaml declares each name with the environments (and optionally the
 * apps) allowed to use it; a deployment anywhere else never gets its value.
 * One check for every path that puts secret values into artifacts (apply,
 * rollback, plan and render, on the CLI and through the server), so a
 * deployer allowed only in staging cannot pull a production secret into a
 * staging container by naming it.
 */
import { CodeError } from "../core/errors.js";
import type { DeploymentSpec } from "./schema.js";
import { resolveSecrets, SecretMissingError, secretNamesOf } from "./secret-refs.js";

export interface SecretGrant {
  /** Environments whose deployments may use the secret. */
  readonly environments: readonly string[];
  /** When present, only these apps (in those environments). */
  readonly apps?: readonly string[] | undefined;
}

/** name -> who may use it: the `secrets:` section of codeploy.yaml. */
export type SecretScope = Readonly<Record<string, SecretGrant>>;

export interface SecretAccess {
  /** Where values are read (`CODEPLOY_SECRET_<NAME>`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly scope: SecretScope;
  /**
   * A name the scope does not declare: `refuse` (the server: a caller must not
   * reach what nobody granted) or `warn` (the local CLI: the person deploying
   * already holds the value in their own environment).
   */
  readonly undeclared: "refuse" | "warn";
  /** Told the undeclared names in `warn` mode (the CLI prints them on stderr). */
  readonly onUndeclared?: (names: readonly string[]) => void;
}

export interface ScopeReport {
  /** Referenced but not in the `secrets:` section. */
  readonly undeclared: readonly string[];
  /** Declared, but not for this app + environment. */
  readonly outOfScope: readonly string[];
}

type Target = Pick<DeploymentSpec, "name" | "environment" | "services">;

function allows(grant: SecretGrant, spec: Target): boolean {
  if (!grant.environments.includes(spec.environment)) return false;
  return grant.apps === undefined || grant.apps.includes(spec.name);
}

export function secretScopeReport(spec: Target, scope: SecretScope): ScopeReport {
  const undeclared: string[] = [];
  const outOfScope: string[] = [];
  for (const name of secretNamesOf(spec)) {
    // Own keys only: a spec naming `constructor` or `__proto__` must not find a grant on the prototype.
    const grant = Object.hasOwn(scope, name) ? scope[name] : undefined;
    if (grant === undefined) undeclared.push(name);
    else if (!allows(grant, spec)) outOfScope.push(name);
  }
  return { undeclared, outOfScope };
}

export class SecretForbiddenError extends CodeError {
  constructor(spec: Target, report: { undeclared: readonly string[]; outOfScope: readonly string[] }) {
    const names = [...report.outOfScope, ...report.undeclared];
    const parts = [
      ...(report.outOfScope.length > 0
        ? [`not allowed in ${spec.name}/${spec.environment}: ${report.outOfScope.join(", ")}`]
        : []),
      ...(report.undeclared.length > 0 ? [`not declared: ${report.undeclared.join(", ")}`] : []),
    ];
    super(
      "SECRET_FORBIDDEN",
      `${spec.name}/${spec.environment} refers to secrets it may not use (${parts.join("; ")})`,
      {
        hint:
          "declare each secret in the secrets: section of codeploy.yaml with the environments (and apps) that may use it, " +
          "e.g. secrets: { stripe-key: { environments: [production], apps: [shop] } }",
        details: { forbidden: names, outOfScope: [...report.outOfScope], undeclared: [...report.undeclared] },
      },
    );
  }
}

/** Refuses references outside the scope (SECRET_FORBIDDEN); reports undeclared ones in `warn` mode. */
export function requireSecretScope(spec: Target, access: SecretAccess): void {
  const report = secretScopeReport(spec, access.scope);
  const undeclared = access.undeclared === "refuse" ? report.undeclared : [];
  if (report.outOfScope.length > 0 || undeclared.length > 0)
    throw new SecretForbiddenError(spec, { outOfScope: report.outOfScope, undeclared });
  if (report.undeclared.length > 0) access.onUndeclared?.(report.undeclared);
}

/**
 * The one gate before a deployment runs: the scope first (so a forbidden name
 * never tells whether the process holds it), then every value must be set.
 * Returns the values, for the renderer.
 */
export function checkSecretAccess(spec: Target, access: SecretAccess): Readonly<Record<string, string>> {
  requireSecretScope(spec, access);
  const { values, missing } = resolveSecrets(spec, access.env);
  if (missing.length > 0) throw new SecretMissingError(spec.name, spec.environment, missing);
  return values;
}

/**
 * Values the renderer may write for `spec`: only names allowed for it, so even
 * a path that skipped the gate cannot place a forbidden value in an artifact.
 */
export function scopedSecretValues(spec: Target, access: SecretAccess): Readonly<Record<string, string>> {
  const report = secretScopeReport(spec, access.scope);
  const denied = new Set([
    ...report.outOfScope,
    ...(access.undeclared === "refuse" ? report.undeclared : []),
  ]);
  const { values } = resolveSecrets(spec, access.env);
  return Object.fromEntries(Object.entries(values).filter(([name]) => !denied.has(name)));
}

/** The undeclared names warned about on the CLI, one line each. */
export function undeclaredWarning(names: readonly string[]): string {
  return names
    .map(
      (n) =>
        `warning: secret ${n} is not declared in the secrets: section of codeploy.yaml (a server would refuse it with SECRET_FORBIDDEN)\n`,
    )
    .join("");
}
