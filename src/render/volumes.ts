/**
 * The named volumes of the spec's services (`services[].volumes`) as every
 * renderer sees them: one entry per service and volume, with the names each
 * platform gives it. All names come from injective functions: a service
 * `a-b` with a volume `c` and a service `a` with a volume `b-c` never share one.
 */
import { deriveName, serviceVolumeName } from "../spec/naming.js";
import type { DeploymentSpec } from "../spec/schema.js";
import type { ServiceVolume } from "../spec/volumes.js";

export { type ServiceVolume, serviceVolumes, volumesOf } from "../spec/volumes.js";

/** The Docker volume (compose and the docker provider alike), labelled with its owner. */
export function dockerVolumeName(
  spec: Pick<DeploymentSpec, "name" | "environment">,
  v: Pick<ServiceVolume, "service" | "volume">,
): string {
  return serviceVolumeName({ app: spec.name, environment: spec.environment }, v.service, v.volume);
}

/** The compose key of a service volume: `.` occurs in neither name, so `service.volume` is injective. */
export function composeVolumeKey(v: ServiceVolume): string {
  return `${v.service}.${v.volume}`;
}

/** A Kubernetes object name (PVC) within the namespace, injective over (service, volume). */
export function claimName(v: Pick<ServiceVolume, "service" | "volume">): string {
  return deriveName([v.service, v.volume]);
}

/** The volume's name inside a pod spec or a task definition: the spec's volume names are unique per service. */
export function mountName(v: Pick<ServiceVolume, "volume">): string {
  return `vol-${v.volume}`;
}

/**
 * Kubernetes (and Cloud Run, which follows it) expands `$(NAME)` in command
 * and args; `$$` is its escape, so the spec's text runs as written.
 */
export function literalArgs(words: readonly string[]): string[] {
  return words.map((w) => w.replace(/\$/g, () => "$$"));
}
