/**
 * Named volumes of Container Apps on Azure Files: one storage account for the
 * app's file shares (apart from the buckets' account, whose blobs may be
 * public), a share per volume with the spec's size as quota, registered with
 * the Container Apps environment and mounted into the app. Container Apps
 * mounts Azure Files with the account key (it offers no identity-based mount),
 * so the key sits in the environment storage and in the state, never in an
 * output. The shares go with the module: destroy deletes the files.
 */
import type { Service } from "../../../spec/schema.js";
import { claimName, type ServiceVolume, volumesOf } from "../../volumes.js";
import { resource } from "../common.js";
import { block, expr, type HclBlock, type TopBlock } from "../hcl.js";
import { volumeIdent } from "../volumes.js";
import { type AzureContext, PLACE } from "./context.js";

const FILES_ACCOUNT = `"\${substr(replace(lower("\${var.app_name}\${var.environment}"), "/[^a-z0-9]/", ""), 0, 14)}fs\${random_id.suffix.hex}"`;

function share(v: ServiceVolume): TopBlock[] {
  const id = volumeIdent(v);
  return [
    resource("azurerm_storage_share", id, {
      name: claimName(v),
      storage_account_id: expr("azurerm_storage_account.files.id"),
      quota: v.sizeGb,
    }),
    resource("azurerm_container_app_environment_storage", id, {
      name: claimName(v),
      container_app_environment_id: expr("azurerm_container_app_environment.main.id"),
      account_name: expr("azurerm_storage_account.files.name"),
      share_name: expr(`azurerm_storage_share.${id}.name`),
      access_key: expr("azurerm_storage_account.files.primary_access_key"),
      access_mode: "ReadWrite",
    }),
  ];
}

/** The template's `volume` blocks of a service. */
export function azureVolumeBlocks(s: Service): HclBlock[] | undefined {
  const volumes = volumesOf(s);
  if (volumes.length === 0) return undefined;
  return volumes.map((v) =>
    block({
      name: `vol-${v.volume}`,
      storage_name: expr(`azurerm_container_app_environment_storage.${volumeIdent(v)}.name`),
      storage_type: "AzureFile",
    }),
  );
}

/** The container's `volume_mounts` blocks. */
export function azureVolumeMounts(s: Service): HclBlock[] | undefined {
  const volumes = volumesOf(s);
  if (volumes.length === 0) return undefined;
  return volumes.map((v) => block({ name: `vol-${v.volume}`, path: v.path }));
}

export function renderAzureVolumes(ctx: AzureContext): void {
  const volumes = ctx.spec.services.flatMap(volumesOf);
  if (volumes.length === 0) return;
  ctx.m.add(
    "volumes",
    resource("azurerm_storage_account", "files", {
      name: expr(FILES_ACCOUNT),
      ...PLACE,
      account_tier: "Standard",
      account_replication_type: ctx.production ? "ZRS" : "LRS",
      min_tls_version: "TLS1_2",
      https_traffic_only_enabled: true,
      allow_nested_items_to_be_public: false,
    }),
    ...volumes.flatMap(share),
  );
}
