/**
 * Deterministic names and labels: the same app, environment and component
 * always give the same network, volume and container names, so a re-run (or a
 * run after a crash) finds what an earlier one created and converges on it.
 */

export const LABEL = {
  app: "codeploy.app",
  env: "codeploy.env",
  service: "codeploy.service",
  revision: "codeploy.revision",
  replica: "codeploy.replica",
  hash: "codeploy.config-hash",
  role: "codeploy.role",
} as const;

/** `app`: a spec service; `data`: a database, cache, queue or the object store; `job`: a one-shot container. */
export type ContainerRole = "app" | "data" | "job";

export interface Scope {
  readonly app: string;
  readonly environment: string;
}

export function prefix(scope: Scope): string {
  return `codeploy-${scope.app}-${scope.environment}`;
}

export function networkName(scope: Scope): string {
  return prefix(scope);
}

export function volumeName(scope: Scope, component: string): string {
  return `${prefix(scope)}-${component}-data`;
}

/** `codeploy-<app>-<env>-<component>-<n>`: the settled name of replica n. */
export function containerName(scope: Scope, component: string, replica: number): string {
  return `${prefix(scope)}-${component}-${replica}`;
}

/** The name a replacement carries while the container it replaces still runs. */
export function nextContainerName(scope: Scope, component: string, replica: number, hash: string): string {
  return `${containerName(scope, component, replica)}-${hash.slice(0, 8)}`;
}

export function scopeLabels(scope: Scope): Record<string, string> {
  return { [LABEL.app]: scope.app, [LABEL.env]: scope.environment };
}

/** Label filters for the Engine API's list calls (`label=key=value`). */
export function labelFilter(scope: Scope, component?: string): { label: string[] } {
  const label = [`${LABEL.app}=${scope.app}`, `${LABEL.env}=${scope.environment}`];
  if (component !== undefined) label.push(`${LABEL.service}=${component}`);
  return { label };
}

/**
 * Whether labels carry the scope (and component). Results of label filters
 * are checked again here: podman ORs several label filters on some lists
 * (volumes), where Docker ANDs them.
 */
export function hasLabels(
  labels: Readonly<Record<string, string>> | undefined,
  scope: Scope,
  component?: string,
): boolean {
  if (!labels || labels[LABEL.app] !== scope.app || labels[LABEL.env] !== scope.environment) return false;
  return component === undefined || labels[LABEL.service] === component;
}
