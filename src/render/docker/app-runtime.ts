/**
 * A service's `command`, `args` and named volumes in compose terms: compose's
 * `entrypoint` is the spec's `command` (the image's ENTRYPOINT) and compose's
 * `command` is the spec's `args` (its CMD), as in Kubernetes. Volumes carry
 * an explicit `name` (spec/naming.ts, the same the docker provider uses), so
 * `docker compose up` and `codeploy apply` find the same data.
 */
import type { DeploymentSpec, Service } from "../../spec/schema.js";
import { composeVolumeKey, dockerVolumeName, serviceVolumes, volumesOf } from "../volumes.js";
import { escapeDollars } from "./data-services.js";

/** `entrypoint`, `command` and `volumes` of one compose service (absent keys when the spec has none). */
export function composeRuntime(s: Service): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.command) out.entrypoint = s.command.map(escapeDollars);
  // A command without args runs alone (the image's CMD is dropped), as on Kubernetes: `command: []` says so.
  if (s.args) out.command = s.args.map(escapeDollars);
  else if (s.command) out.command = [];
  const mounts = volumesOf(s).map((v) => `${composeVolumeKey(v)}:${v.path}`);
  if (mounts.length > 0) out.volumes = mounts;
  return out;
}

/** Top-level compose volumes of the services, each named and labelled with its owner. */
export function composeServiceVolumes(spec: DeploymentSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const v of serviceVolumes(spec)) {
    out[composeVolumeKey(v)] = {
      name: dockerVolumeName(spec, v),
      labels: {
        "codeploy.app": spec.name,
        "codeploy.env": spec.environment,
        "codeploy.service": v.service,
        "codeploy.volume": v.volume,
      },
    };
  }
  return out;
}
