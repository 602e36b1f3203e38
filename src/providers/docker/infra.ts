/**
 * The app network and the data volumes: created when missing, removed on
 * request (volumes only when purging). One that exists under our name is
 * reused only when its labels name this app + environment (and component);
 * anything else is refused (OWNERSHIP_CONFLICT) unless the person adopts it,
 * and never removed.
 */
import type Docker from "dockerode";
import { OwnershipConflictError, ownedBy } from "../../engine/provider.js";
import { apiError, isConflict, isNotFound } from "./errors.js";
import { hasLabels, LABEL, labelFilter, networkName, ownerOf, type Scope, scopeLabels } from "./names.js";

export interface Adoption {
  /** Take over an object another owner (or none) labelled. @default false */
  readonly adopt?: boolean;
  readonly log?: (message: string) => void;
}

function checkOwner(
  what: string,
  labels: Readonly<Record<string, string>> | null | undefined,
  scope: Scope,
  component: string | undefined,
  adoption: Adoption,
  volume?: string,
): void {
  const owner = ownerOf(labels);
  const sameComponent =
    (component === undefined || labels?.[LABEL.service] === component) &&
    (volume === undefined || labels?.[LABEL.volume] === volume);
  if (ownedBy(owner, scope) && sameComponent) return;
  if (!adoption.adopt) throw new OwnershipConflictError(what, owner, scope);
  adoption.log?.(`${what}: adopted on request (it carried another owner's labels or none)`);
}

export async function ensureNetwork(
  docker: Docker,
  scope: Scope,
  signal: AbortSignal,
  adoption: Adoption = {},
): Promise<"created" | "exists"> {
  const name = networkName(scope);
  let info: { Labels?: Record<string, string> | null } | undefined;
  try {
    info = await docker.getNetwork(name).inspect();
  } catch (error) {
    if (!isNotFound(error)) throw apiError(`inspecting network ${name}`, error);
  }
  if (info) {
    checkOwner(`network ${name}`, info.Labels, scope, undefined, adoption);
    return "exists";
  }
  try {
    await docker.createNetwork({
      Name: name,
      Labels: scopeLabels(scope),
      CheckDuplicate: true,
      abortSignal: signal,
    });
    return "created";
  } catch (error) {
    if (isConflict(error)) return "exists";
    throw apiError(`creating network ${name}`, error);
  }
}

/**
 * Removes the app + environment's networks: every one labelled for it (also
 * one an earlier version named differently). One under our name that is not
 * labelled ours is left alone. The names removed.
 */
export async function removeNetworks(docker: Docker, scope: Scope): Promise<string[]> {
  let listed: Docker.NetworkInspectInfo[];
  try {
    listed = await docker.listNetworks({ filters: labelFilter(scope) });
  } catch (error) {
    throw apiError(`listing the networks of ${scope.app}/${scope.environment}`, error);
  }
  const names = listed.filter((n) => hasLabels(n.Labels, scope)).map((n) => n.Name);
  const removed: string[] = [];
  for (const name of [...new Set(names)].sort()) {
    try {
      await docker.getNetwork(name).remove();
      removed.push(name);
    } catch (error) {
      if (isNotFound(error)) continue;
      throw apiError(
        `removing network ${name} (is a container that codeploy did not create still attached?)`,
        error,
      );
    }
  }
  return removed;
}

export async function ensureVolume(
  docker: Docker,
  scope: Scope,
  name: string,
  component: string,
  signal: AbortSignal,
  adoption: Adoption = {},
  /** A service volume's name in the spec: its label must say the same. */
  volume?: string,
): Promise<"created" | "exists"> {
  let info: { Labels?: Record<string, string> | null } | undefined;
  try {
    info = await docker.getVolume(name).inspect({ abortSignal: signal });
  } catch (error) {
    if (!isNotFound(error)) throw apiError(`inspecting volume ${name}`, error);
  }
  if (info) {
    checkOwner(`volume ${name}`, info.Labels, scope, component, adoption, volume);
    return "exists";
  }
  try {
    await docker.createVolume({
      Name: name,
      Labels: {
        ...scopeLabels(scope),
        [LABEL.service]: component,
        ...(volume === undefined ? {} : { [LABEL.volume]: volume }),
      },
    });
    return "created";
  } catch (error) {
    if (isConflict(error)) return "exists";
    throw apiError(`creating volume ${name}`, error);
  }
}

/** Removes a volume when its labels name this app + environment; another's (or an unlabelled one) is left alone. */
export async function removeVolume(docker: Docker, name: string, scope: Scope): Promise<boolean> {
  try {
    const info = await docker.getVolume(name).inspect();
    if (!hasLabels(info.Labels ?? undefined, scope)) return false;
    await docker.getVolume(name).remove();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw apiError(`removing volume ${name}`, error);
  }
}

/** Volumes labelled with the app and environment (or one component of it). */
export async function listVolumes(docker: Docker, scope: Scope, component?: string): Promise<string[]> {
  try {
    const answer = await docker.listVolumes({ filters: labelFilter(scope, component) });
    return (answer.Volumes ?? [])
      .filter((v) => hasLabels(v.Labels ?? undefined, scope, component))
      .map((v) => v.Name)
      .sort();
  } catch (error) {
    throw apiError(`listing the volumes of ${scope.app}/${scope.environment}`, error);
  }
}

/**
 * The volume of a component: the one labelled for it when there is one (an
 * earlier version named volumes `codeploy-<app>-<env>-<component>-data`), so
 * its data stays in use; undefined when none exists yet.
 */
export async function existingVolume(
  docker: Docker,
  scope: Scope,
  component: string,
  wanted: string,
): Promise<string | undefined> {
  const labelled = await listVolumes(docker, scope, component);
  return labelled.includes(wanted) ? wanted : labelled[0];
}
