/**
 * Named volumes of ECS services on EFS: one encrypted file system per volume,
 * a mount target in each private subnet (NFS port 2049 of the data security
 * group, reachable from inside the VPC only), and an access point whose root
 * folder is created owned by uid/gid 1000 (mode 0775), so that images running
 * as a non-root user can write, as with the fsGroup on Kubernetes. Tasks mount
 * it with TLS in transit. EFS is destroyed with the module: destroy deletes
 * the files (see the README).
 */
import type { Service } from "../../../spec/schema.js";
import { type ServiceVolume, volumesOf } from "../../volumes.js";
import { named, resource } from "../common.js";
import { block, expr, type HclBlock, type TopBlock } from "../hcl.js";
import { volumeIdent } from "../volumes.js";
import type { AwsContext } from "./context.js";

function fileSystem(v: ServiceVolume): TopBlock[] {
  const id = volumeIdent(v);
  return [
    resource("aws_efs_file_system", id, {
      creation_token: named(`${v.service}-${v.volume}`),
      encrypted: true,
      lifecycle_policy: block({ transition_to_ia: "AFTER_30_DAYS" }),
      tags: { Name: named(`${v.service}-${v.volume}`), "codeploy-volume": `${v.service}.${v.volume}` },
    }),
    resource("aws_efs_mount_target", id, {
      count: 2,
      file_system_id: expr(`aws_efs_file_system.${id}.id`),
      subnet_id: expr("aws_subnet.private[count.index].id"),
      security_groups: [expr("aws_security_group.data.id")],
    }),
    resource("aws_efs_access_point", id, {
      file_system_id: expr(`aws_efs_file_system.${id}.id`),
      root_directory: block({
        path: "/data",
        creation_info: block({ owner_uid: 1000, owner_gid: 1000, permissions: "0775" }),
      }),
      tags: { Name: named(`${v.service}-${v.volume}`) },
    }),
  ];
}

/** The task definition's `volume` blocks of a service. */
export function efsVolumeBlocks(s: Service): HclBlock[] {
  return volumesOf(s).map((v) =>
    block({
      name: `vol-${v.volume}`,
      efs_volume_configuration: block({
        file_system_id: expr(`aws_efs_file_system.${volumeIdent(v)}.id`),
        transit_encryption: "ENABLED",
        authorization_config: block({ access_point_id: expr(`aws_efs_access_point.${volumeIdent(v)}.id`) }),
      }),
    }),
  );
}

/** The container definition's `mountPoints`. */
export function efsMountPoints(
  s: Service,
): { sourceVolume: string; containerPath: string; readOnly: boolean }[] {
  return volumesOf(s).map((v) => ({
    sourceVolume: `vol-${v.volume}`,
    containerPath: v.path,
    readOnly: false,
  }));
}

/** Tasks mount only after every mount target exists (a mount target per subnet the task may land in). */
export function efsDependencies(s: Service): ReturnType<typeof expr>[] {
  return volumesOf(s).map((v) => expr(`aws_efs_mount_target.${volumeIdent(v)}`));
}

export function renderAwsVolumes(ctx: AwsContext): void {
  const volumes = ctx.spec.services.flatMap(volumesOf);
  if (volumes.length === 0) return;
  ctx.dataPorts.set(2049, "NFS: EFS volumes of the services");
  ctx.m.add("volumes", ...volumes.flatMap(fileSystem));
}
