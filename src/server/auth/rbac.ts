/**
 * Who may do what. A principal (an API key or a JWT) has one role and
 * optionally a list of environments; the handlers ask `authorize` before
 * acting, naming the environment the request touches.
 *
 * - viewer: reads (apps, environments, deployments, events, history, audit verify).
 * - deployer: also interprets, plans, applies and rolls back, in its environments
 *   and never in production (production changes need an admin).
 * - admin: everything, including production, destroy, freeing locks, API keys and
 *   reading the audit log. An admin key limited to some environments can neither
 *   manage keys (it could mint wider ones) nor read the whole audit log.
 */

import type { Permission as ServicePermission } from "../../service/types.js";
import type { ApiKeyRole } from "../../state/keys.js";
import { forbidden } from "../errors.js";

export type Role = ApiKeyRole;
/** What a role may do: the service's permissions, but adopting, which only the admin role decides. */
export type Permission = Exclude<ServicePermission, "adopt">;

/** Permissions over the whole installation: refused to a principal limited to some environments. */
const INSTALLATION_WIDE: ReadonlySet<Permission> = new Set<Permission>(["keys", "audit"]);

export const PRODUCTION = "production";

export interface Principal {
  /** Stable id for rate limits: `key:<id>` or `jwt:<issuer>:<sub>`; never the token. */
  readonly id: string;
  /**
   * Recorded as the actor of deployments and audit records: `key:<name>` or
   * `jwt:<subject>`, control characters removed (core/actor.ts).
   */
  readonly actor: string;
  readonly kind: "api-key" | "jwt";
  readonly role: Role;
  /** Environments it may touch; undefined means all. */
  readonly environments: readonly string[] | undefined;
}

const GRANTS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  viewer: new Set<Permission>(["read"]),
  deployer: new Set<Permission>(["read", "interpret", "plan", "deploy", "rollback"]),
  admin: new Set<Permission>([
    "read",
    "interpret",
    "plan",
    "deploy",
    "rollback",
    "destroy",
    "unlock",
    "keys",
    "audit",
  ]),
};

const VERB: Readonly<Record<Permission, string>> = {
  read: "read",
  interpret: "interpret requests",
  plan: "plan",
  deploy: "deploy",
  rollback: "roll back",
  destroy: "destroy environments",
  unlock: "free locks",
  keys: "manage API keys",
  audit: "read the audit log",
};

/** Whether the principal may see an environment at all (for filtering lists). */
export function mayAccess(principal: Principal, environment: string): boolean {
  return principal.environments === undefined || principal.environments.includes(environment);
}

/** Throws a 403 HttpError unless the principal may do `permission` (in `environment`, when given). */
export function authorize(principal: Principal, permission: Permission, environment?: string): void {
  if (!GRANTS[principal.role].has(permission)) {
    throw forbidden(`a ${principal.role} may not ${VERB[permission]}`);
  }
  if (INSTALLATION_WIDE.has(permission) && principal.environments !== undefined) {
    throw forbidden(`an admin limited to some environments may not ${VERB[permission]}`);
  }
  if (environment === undefined) return;
  if (!mayAccess(principal, environment)) {
    throw forbidden(
      `${principal.actor} may not ${VERB[permission]} in environment "${environment}"`,
      `allowed environments: ${(principal.environments ?? []).join(", ") || "(none)"}`,
    );
  }
  if (environment === PRODUCTION && permission !== "read" && principal.role !== "admin") {
    throw forbidden(`only an admin may ${VERB[permission]} in production`);
  }
}
