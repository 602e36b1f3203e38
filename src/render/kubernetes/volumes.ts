/**
 * A service's named volumes on Kubernetes: one PersistentVolumeClaim each
 * (`claimName`, injective over service and volume), mounted into every pod of
 * the service, and its `command`/`args`.
 *
 * Policy for replicas: a volume is one shared file system on every target
 * (a Docker volume, EFS, Filestore, Azure Files), so here too every replica
 * mounts the same claim. With one replica the claim is ReadWriteOnce and the
 * Deployment uses the Recreate strategy (a rolling update would start the new
 * pod while the old one still holds the claim, on another node it would wait
 * forever). With more (or an autoscaler that may add more) the claim asks for
 * ReadWriteMany, which needs a storage class that offers it (NFS, EFS CSI,
 * Azure Files, Filestore CSI); the policy finding `volume-shared-by-replicas`
 * says so before the apply. Claims are never pruned by an update: their files
 * outlive the volume's removal from the spec, and go with the namespace on destroy.
 */
import type { IContainer, IPersistentVolumeClaim, IPodSpec } from "kubernetes-models/v1";
import type { Service } from "../../spec/schema.js";
import { sharedByReplicas } from "../../spec/volumes.js";
import type { KubeObject } from "../types.js";
import { claimName, literalArgs, mountName, volumesOf } from "../volumes.js";
import { type KubeContext, meta } from "./labels.js";

/** `command` and `args` of the container, absent when the spec keeps the image's. */
export function commandOf(s: Service): Pick<IContainer, "command" | "args"> {
  return {
    ...(s.command ? { command: literalArgs(s.command) } : {}),
    ...(s.args ? { args: literalArgs(s.args) } : {}),
  };
}

export function volumeClaims(ctx: KubeContext, s: Service): KubeObject[] {
  const accessModes = [sharedByReplicas(s) ? ("ReadWriteMany" as const) : ("ReadWriteOnce" as const)];
  return volumesOf(s).map(
    (v) =>
      ({
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: meta(ctx, claimName(v), s.name, s.kind, {
          "codeploy.dev/volume": `${v.volume} at ${v.path}`,
          // In helm mode too the files outlive `helm uninstall`: Helm leaves objects with this policy.
          "helm.sh/resource-policy": "keep",
        }),
        spec: { accessModes, resources: { requests: { storage: `${v.sizeGb}Gi` } } },
      }) satisfies IPersistentVolumeClaim,
  );
}

/**
 * The pod spec with the claims mounted. `fsGroup` makes the files writable
 * for images that run as a non-root user (the volume starts owned by root).
 */
export function withVolumes(pod: IPodSpec, s: Service): IPodSpec {
  const volumes = volumesOf(s);
  if (volumes.length === 0) return pod;
  const [first, ...rest] = pod.containers;
  if (!first) return pod;
  const mounts = volumes.map((v) => ({ name: mountName(v), mountPath: v.path }));
  return {
    ...pod,
    securityContext: { ...pod.securityContext, fsGroup: 1000, fsGroupChangePolicy: "OnRootMismatch" },
    containers: [{ ...first, volumeMounts: [...(first.volumeMounts ?? []), ...mounts] }, ...rest],
    volumes: [
      ...(pod.volumes ?? []),
      ...volumes.map((v) => ({ name: mountName(v), persistentVolumeClaim: { claimName: claimName(v) } })),
    ],
  };
}

/** Recreate when a ReadWriteOnce claim is mounted: the old pod lets go of it before the new one starts. */
export function strategyOf(s: Service): { strategy?: { type: "Recreate" } } {
  return volumesOf(s).length > 0 && !sharedByReplicas(s) ? { strategy: { type: "Recreate" } } : {};
}
