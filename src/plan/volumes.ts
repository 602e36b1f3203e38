/**
 * Plan steps for the services' named volumes: one `volume:<service>.<volume>`
 * step each, before its service (the service mounts it). A volume that leaves
 * the spec gets a removal step whose description says what happens to its
 * files on the target: docker and kubernetes keep them until destroy, the
 * clouds' modules delete the file system.
 */

import type { ChangeAction } from "../spec/diff.js";
import type { DeploymentSpec } from "../spec/schema.js";
import { type ServiceVolume, serviceVolumes } from "../spec/volumes.js";

export interface VolumeStepInput {
  readonly id: string;
  readonly action: ChangeAction;
  readonly service: string;
  readonly volume: string;
  readonly description: string;
  readonly fields?: readonly string[];
}

export const volumeStepId = (v: Pick<ServiceVolume, "service" | "volume">, removal = false): string =>
  `${removal ? "remove-" : ""}volume:${v.service}.${v.volume}`;

const key = (v: ServiceVolume) => `${v.service}.${v.volume}`;

/** Volumes to create, resize or keep (desired side). */
export function volumeSteps(desired: DeploymentSpec, current: DeploymentSpec | undefined): VolumeStepInput[] {
  const before = new Map(serviceVolumes(current ?? { services: [] }).map((v) => [key(v), v]));
  return serviceVolumes(desired).map((v) => {
    const old = before.get(key(v));
    const fields = old === undefined ? [] : (["path", "sizeGb"] as const).filter((f) => old[f] !== v[f]);
    const action: ChangeAction = old === undefined ? "create" : fields.length > 0 ? "update" : "noop";
    const verb = { create: "create", update: "update", noop: "keep", delete: "remove" }[action];
    return {
      id: volumeStepId(v),
      action,
      service: v.service,
      volume: v.volume,
      description: `${verb} volume ${v.volume} of ${v.service} at ${v.path} (${v.sizeGb} GiB)${fields.length > 0 ? ` (${fields.join(", ")})` : ""}`,
      ...(fields.length > 0 ? { fields } : {}),
    };
  });
}

/** What leaving the spec (or destroy) does with a volume's files, per target: said in the step. */
function removalText(current: DeploymentSpec, v: ServiceVolume, destroying: boolean): string {
  const what = `volume ${v.volume} of ${v.service}`;
  switch (current.target) {
    case "docker":
      return destroying
        ? `remove ${what}: kept with its files unless destroy runs with --purge-data`
        : `detach ${what}: its files are kept until destroy --purge-data`;
    case "kubernetes":
      return destroying
        ? `remove ${what}: its claim goes with the namespace when codeploy made it, else it is kept`
        : `detach ${what}: its claim and files are kept until destroy`;
    case "terraform":
      return current.cloud === "local"
        ? `remove ${what}`
        : `remove ${what}: terraform deletes its file system and the files on it`;
  }
}

/** Volumes the current spec has and the desired one drops (all of them on destroy). */
export function volumeRemovals(
  current: DeploymentSpec,
  desired: DeploymentSpec | undefined,
): VolumeStepInput[] {
  const kept = new Set(serviceVolumes(desired ?? { services: [] }).map(key));
  return serviceVolumes(current)
    .filter((v) => !kept.has(key(v)))
    .map((v) => ({
      id: volumeStepId(v, true),
      action: "delete",
      service: v.service,
      volume: v.volume,
      description: removalText(current, v, desired === undefined),
    }));
}
