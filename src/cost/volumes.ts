/**
 * The services' named volumes: on the clouds' serverless targets the file
 * system each one becomes (EFS, Filestore, Azure Files), on a managed
 * Kubernetes cluster the block storage behind its claim. Priced at the
 * spec's `sizeGb`; Filestore bills its 1 TiB minimum whatever is stored.
 */
import { FILESTORE_MIN_GB } from "../spec/cloud-sizes.js";
import { serviceVolumes } from "../spec/volumes.js";
import { type PricingContext, unitItem } from "./context.js";
import type { CostItem } from "./types.js";

const FILE_SYSTEMS = {
  aws: { sku: "efs-standard", label: "EFS Standard" },
  gcp: { sku: "filestore-basic-hdd", label: "Filestore Basic HDD" },
  azure: { sku: "files-standard-lrs", label: "Azure Files Standard" },
} as const;

const CLAIM_DISKS = { aws: "ebs-gp3", gcp: "pd-balanced", azure: "premium-ssd" } as const;

export function volumeItems(ctx: PricingContext): CostItem[] {
  const volumes = serviceVolumes(ctx.spec);
  if (volumes.length === 0) return [];
  if (ctx.spec.target === "kubernetes") {
    ctx.assumptions.push(
      "volumes: each claim priced as the cluster's default block storage at its size (a ReadWriteMany class such as EFS or Filestore costs more)",
    );
    return volumes.map((v) =>
      unitItem(ctx, CLAIM_DISKS[ctx.cloud], {
        component: v.service,
        kind: "storage",
        description: `volume ${v.volume}: ${v.sizeGb} GB claim`,
        quantity: v.sizeGb,
      }),
    );
  }
  const fs = FILE_SYSTEMS[ctx.cloud];
  ctx.assumptions.push(
    ctx.cloud === "gcp"
      ? `volumes: ${fs.label} bills provisioned capacity, at least ${FILESTORE_MIN_GB} GiB per volume`
      : `volumes: ${fs.label} priced at each volume's sizeGb as stored data; requests and throughput not included`,
  );
  return volumes.map((v) => {
    const quantity = ctx.cloud === "gcp" ? Math.max(FILESTORE_MIN_GB, v.sizeGb) : v.sizeGb;
    return unitItem(ctx, fs.sku, {
      component: v.service,
      kind: "storage",
      description: `volume ${v.volume} on ${fs.label}: ${quantity} GB`,
      quantity,
    });
  });
}
