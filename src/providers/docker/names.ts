/**
 * Deterministic names and labels: the same app, environment and component
 * always give the same network, volume and container names, so a re-run (or a
 * run after a crash) finds what an earlier one created and converges on it.
 * The names come from spec/naming.ts (a hash of the exact tuple keeps
 * `my`/`shop-production` apart from `my-shop`/`production`); the labels say
 * who owns an object, and are checked before one is reused.
 */
import type { FoundOwner } from "../../engine/provider.js";
import * as naming from "../../spec/naming.js";

export const LABEL = {
  app: "codeploy.app",
  env: "codeploy.env",
  service: "codeploy.service",
  revision: "codeploy.revision",
  replica: "codeploy.replica",
  hash: "codeploy.config-hash",
  role: "codeploy.role",
  hostPort: "codeploy.host-port",
  /** A service volume's name in the spec (`services[].volumes[].name`). */
  volume: "codeploy.volume",
} as const;

/** `app`: a spec service; `data`: a database, cache, queue or the object store; `job`: a one-shot container. */
export type ContainerRole = "app" | "data" | "job";

export interface Scope {
  readonly app: string;
  readonly environment: string;
}

/** The app + environment's network (spec/naming.ts: injective, within 63 characters). */
export function networkName(scope: Scope): string {
  return naming.networkName(scope);
}

export function volumeName(scope: Scope, component: string): string {
  return naming.volumeName(scope, component);
}

/** `codeploy-<app>-<env>-<component>-<hash>-<n>`: the settled name of replica n. */
export function containerName(scope: Scope, component: string, replica: number): string {
  return naming.containerName(scope, component, replica);
}

/** The name a replacement carries while the container it replaces still runs. */
export function nextContainerName(scope: Scope, component: string, replica: number, hash: string): string {
  return `${containerName(scope, component, replica)}-${hash.slice(0, 8)}`;
}

/** The owner an object's labels name (fields undefined when a label is missing). */
export function ownerOf(labels: Readonly<Record<string, string>> | null | undefined): FoundOwner {
  return { app: labels?.[LABEL.app], environment: labels?.[LABEL.env] };
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
