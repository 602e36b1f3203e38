/**
 * The services' named volumes (`services[].volumes`) flattened: one entry per
 * service and volume, what the planner, the renderers and the cost estimate
 * all walk.
 */
import type { DeploymentSpec, Service } from "./schema.js";

export interface ServiceVolume {
  readonly service: string;
  readonly volume: string;
  readonly path: string;
  readonly sizeGb: number;
  /** The service's replicas (the highest autoscale bound when it scales): more than one share the volume. */
  readonly replicas: number;
}

export function volumesOf(s: Service): ServiceVolume[] {
  const replicas = Math.max(s.replicas, s.autoscale?.max ?? 0);
  return (s.volumes ?? []).map((v) => ({
    service: s.name,
    volume: v.name,
    path: v.path,
    sizeGb: v.sizeGb,
    replicas,
  }));
}

/** Every service volume of the spec, in spec order (chart services take theirs from the chart). */
export function serviceVolumes(spec: Pick<DeploymentSpec, "services">): ServiceVolume[] {
  return spec.services.filter((s) => s.chart === undefined).flatMap(volumesOf);
}

/** More than one pod of the service may run at once (replicas, or an autoscaler's maximum): they share its volumes. */
export function sharedByReplicas(s: Pick<Service, "replicas" | "autoscale">): boolean {
  return Math.max(s.replicas, s.autoscale?.max ?? 0) > 1;
}
