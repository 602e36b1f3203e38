/**
 * Named volumes of Cloud Run services and jobs on Filestore: one BASIC_HDD
 * instance per volume on the app's VPC (its smallest size is 1 TiB, which the
 * cost estimate shows), mounted over NFS (Cloud Run's second generation
 * execution environment, reached through the Direct VPC egress the services
 * already have). The instances go with the module: destroy deletes the files.
 */
import { FILESTORE_MIN_GB } from "../../../spec/cloud-sizes.js";
import type { Service } from "../../../spec/schema.js";
import { type ServiceVolume, volumesOf } from "../../volumes.js";
import { resource, shortName } from "../common.js";
import { block, expr, type HclBlock, type TopBlock } from "../hcl.js";
import { volumeIdent } from "../volumes.js";
import type { GcpContext } from "./context.js";

export const filestoreCapacityGb = (sizeGb: number): number => Math.max(FILESTORE_MIN_GB, sizeGb);

function instance(v: ServiceVolume): TopBlock {
  return resource("google_filestore_instance", volumeIdent(v), {
    name: shortName(`${v.service}-${v.volume}`, 63),
    location: expr(`"\${var.region}-b"`),
    tier: "BASIC_HDD",
    file_shares: block({ name: "share", capacity_gb: filestoreCapacityGb(v.sizeGb) }),
    networks: block({ network: expr("google_compute_network.main.name"), modes: ["MODE_IPV4"] }),
  });
}

/** The template's `volumes` blocks (NFS from the volume's Filestore instance). */
export function gcpVolumeBlocks(s: Service): HclBlock[] | undefined {
  const volumes = volumesOf(s);
  if (volumes.length === 0) return undefined;
  return volumes.map((v) =>
    block({
      name: `vol-${v.volume}`,
      nfs: block({
        server: expr(`google_filestore_instance.${volumeIdent(v)}.networks[0].ip_addresses[0]`),
        path: "/share",
        read_only: false,
      }),
    }),
  );
}

/** The container's `volume_mounts` blocks. */
export function gcpVolumeMounts(s: Service): HclBlock[] | undefined {
  const volumes = volumesOf(s);
  if (volumes.length === 0) return undefined;
  return volumes.map((v) => block({ name: `vol-${v.volume}`, mount_path: v.path }));
}

export function renderGcpVolumes(ctx: GcpContext): void {
  const volumes = ctx.spec.services.flatMap(volumesOf);
  if (volumes.length === 0) return;
  ctx.apis.add("file.googleapis.com");
  ctx.m.add("volumes", ...volumes.map(instance));
}
