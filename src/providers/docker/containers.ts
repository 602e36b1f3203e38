/** Container operations the provider composes: list by labels, create and start a replica, remove, rename. */
import type Docker from "dockerode";
import { OwnershipConflictError, ownedBy } from "../../engine/provider.js";
import { apiError, engineMessage, isConflict, isNotFound, statusOf } from "./errors.js";
import { portTaken } from "./host-ports.js";
import { hasLabels, LABEL, labelFilter, ownerOf, type Scope } from "./names.js";
import type { Workload } from "./workload.js";

export interface Existing {
  readonly id: string;
  readonly name: string;
  readonly replica: number;
  readonly hash: string;
  readonly running: boolean;
  readonly info: Docker.ContainerInfo;
}

export function existingOf(info: Docker.ContainerInfo): Existing {
  const replica = Number(info.Labels[LABEL.replica] ?? Number.NaN);
  return {
    id: info.Id,
    name: (info.Names[0] ?? info.Id).replace(/^\//, ""),
    replica: Number.isInteger(replica) ? replica : -1,
    hash: info.Labels[LABEL.hash] ?? "",
    running: info.State === "running",
    info,
  };
}

/** Every container of the app + environment (or of one component), running or not. */
export async function listContainers(
  docker: Docker,
  scope: Scope,
  signal: AbortSignal,
  component?: string,
): Promise<Existing[]> {
  try {
    const list = await docker.listContainers({
      all: true,
      filters: labelFilter(scope, component),
      abortSignal: signal,
    });
    return list
      .filter((c) => hasLabels(c.Labels, scope, component))
      .map(existingOf)
      .sort((a, b) => a.replica - b.replica || a.name.localeCompare(b.name));
  } catch (error) {
    throw apiError(`listing the containers of ${scope.app}/${scope.environment}`, error);
  }
}

/** Host ports that running containers publish on `host` (or on every address), with the container holding each. */
export async function usedHostPorts(
  docker: Docker,
  host: string,
  signal: AbortSignal,
): Promise<Map<number, string>> {
  try {
    const all = await docker.listContainers({ abortSignal: signal });
    const out = new Map<number, string>();
    for (const c of all) {
      const name = (c.Names[0] ?? c.Id).replace(/^\//, "");
      for (const p of c.Ports ?? [])
        if (p.PublicPort && (!p.IP || p.IP === host || p.IP === "0.0.0.0")) out.set(p.PublicPort, name);
    }
    return out;
  } catch (error) {
    throw apiError("listing published ports", error);
  }
}

export interface ReplicaSpec {
  readonly name: string;
  readonly replica: number;
  readonly hash: string;
  readonly revision: number;
  /** "" lets the engine pick a free port. */
  readonly hostPort?: string;
  /** The host port is the spec's or was kept from an earlier apply: taken means refused, not moved. */
  readonly portFixed?: boolean;
  /** Replace a container under this name that another owner (or none) labelled. @default false */
  readonly adopt?: boolean;
}

function createOptions(w: Workload, r: ReplicaSpec): Docker.ContainerCreateOptions {
  const bindings =
    w.publish && w.port !== undefined && r.hostPort !== undefined
      ? { PortBindings: { [`${w.port}/tcp`]: [{ HostIp: w.publish.host, HostPort: r.hostPort }] } }
      : {};
  return {
    ...w.base,
    name: r.name,
    Labels: {
      ...w.base.Labels,
      [LABEL.replica]: String(r.replica),
      [LABEL.hash]: r.hash,
      [LABEL.revision]: String(r.revision),
      // The chosen port outlives the container: the next apply reads it back and keeps it.
      ...(bindings.PortBindings && r.hostPort ? { [LABEL.hostPort]: r.hostPort } : {}),
    },
    HostConfig: { ...w.base.HostConfig, ...bindings },
  };
}

function isBindError(error: unknown): boolean {
  return /address already in use|port is already allocated|bind/i.test(engineMessage(error));
}

/**
 * Removes a container whose name we need, when it is ours (after a crash);
 * refuses to touch anyone else's (OWNERSHIP_CONFLICT) unless the person adopts it.
 */
async function clearName(
  docker: Docker,
  name: string,
  scope: Scope,
  signal: AbortSignal,
  adopt: boolean,
): Promise<void> {
  const info = await docker.getContainer(name).inspect({ abortSignal: signal });
  const owner = ownerOf(info.Config.Labels);
  if (!ownedBy(owner, scope) && !adopt) throw new OwnershipConflictError(`container ${name}`, owner, scope);
  await docker.getContainer(name).remove({ force: true, v: true });
}

async function createOnce(docker: Docker, w: Workload, r: ReplicaSpec, signal: AbortSignal) {
  try {
    return await docker.createContainer({ ...createOptions(w, r), abortSignal: signal });
  } catch (error) {
    if (!isConflict(error)) throw error;
    await clearName(docker, r.name, w.scope, signal, r.adopt === true);
    return await docker.createContainer({ ...createOptions(w, r), abortSignal: signal });
  }
}

/** Creates and starts one replica; a taken first-choice host port falls back to one the engine picks. */
export async function startReplica(
  docker: Docker,
  w: Workload,
  r: ReplicaSpec,
  signal: AbortSignal,
): Promise<Docker.Container> {
  const what = `starting ${r.name}`;
  try {
    const container = await createOnce(docker, w, r, signal);
    try {
      await container.start({ abortSignal: signal });
      return container;
    } catch (error) {
      await container.remove({ force: true, v: true }).catch(() => {});
      if (r.hostPort && isBindError(error)) {
        if (r.portFixed)
          throw portTaken(
            w.component,
            r.replica,
            Number(r.hostPort),
            "a process on the host that is not a container",
          );
        return startReplica(docker, w, { ...r, hostPort: "" }, signal);
      }
      throw error;
    }
  } catch (error) {
    throw apiError(what, error, w.secrets);
  }
}

/** Stops a container (with a grace period) and keeps it; one already stopped or gone is fine. */
export async function stopContainer(docker: Docker, id: string, stopTimeoutSeconds: number): Promise<void> {
  try {
    await docker.getContainer(id).stop({ t: stopTimeoutSeconds });
  } catch (error) {
    if (statusOf(error) !== 304 && !isNotFound(error))
      throw apiError(`stopping container ${id.slice(0, 12)}`, error);
  }
}

/** Stops (with a grace period) and removes a container; one already gone is fine. */
export async function removeContainer(docker: Docker, id: string, stopTimeoutSeconds: number): Promise<void> {
  const container = docker.getContainer(id);
  try {
    await container.stop({ t: stopTimeoutSeconds });
  } catch (error) {
    // 304: already stopped; 404: already gone.
    if (statusOf(error) !== 304 && !isNotFound(error)) {
      await container.remove({ force: true, v: true }).catch(() => {});
    }
  }
  try {
    await container.remove({ force: true, v: true });
  } catch (error) {
    if (!isNotFound(error)) throw apiError(`removing container ${id.slice(0, 12)}`, error);
  }
}

export async function renameContainer(docker: Docker, id: string, name: string): Promise<void> {
  try {
    await docker.getContainer(id).rename({ name });
  } catch (error) {
    throw apiError(`renaming container ${id.slice(0, 12)} to ${name}`, error);
  }
}

/** `http://127.0.0.1:8080` for the container's published port, if it has one. */
export function endpointOf(
  info: Docker.ContainerInspectInfo,
  port: number | undefined,
  publishHost: string,
): string | undefined {
  if (port === undefined) return undefined;
  const bound = info.NetworkSettings.Ports?.[`${port}/tcp`]?.[0];
  if (!bound?.HostPort) return undefined;
  const ip =
    bound.HostIp && bound.HostIp !== "0.0.0.0"
      ? bound.HostIp
      : publishHost === "0.0.0.0"
        ? "127.0.0.1"
        : publishHost;
  return `http://${ip.includes(":") ? `[${ip}]` : ip}:${bound.HostPort}`;
}
