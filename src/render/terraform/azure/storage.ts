/**
 * Azure buckets: one storage account (names are global, 3-24 lower-case
 * letters and digits) with a blob container per bucket, private unless the
 * spec marks the bucket public.
 */
import { ident, resource } from "../common.js";
import { plain } from "../connections.js";
import { block, expr, type TopBlock } from "../hcl.js";
import { type AzureContext, PLACE } from "./context.js";

const ACCOUNT_NAME = `"\${substr(replace(lower("\${var.app_name}\${var.environment}"), "/[^a-z0-9]/", ""), 0, 16)}\${random_id.suffix.hex}"`;

function storageAccount(ctx: AzureContext): TopBlock {
  return resource("azurerm_storage_account", "main", {
    name: expr(ACCOUNT_NAME),
    ...PLACE,
    account_tier: "Standard",
    // Zone-redundant copies in production.
    account_replication_type: ctx.production ? "ZRS" : "LRS",
    min_tls_version: "TLS1_2",
    https_traffic_only_enabled: true,
    // Containers can only be public when the account allows it.
    allow_nested_items_to_be_public: ctx.spec.buckets.some((b) => b.public),
    blob_properties: block({ versioning_enabled: true, delete_retention_policy: block({ days: 7 }) }),
  });
}

export function renderAzureBuckets(ctx: AzureContext): void {
  const buckets = ctx.spec.buckets;
  if (buckets.length === 0) return;
  ctx.m.add("buckets", storageAccount(ctx));
  for (const bucket of buckets) {
    const id = ident(bucket.name);
    const comment = bucket.public
      ? [`The spec marks bucket ${bucket.name} public: anyone may read its blobs.`]
      : undefined;
    ctx.m.add(
      "buckets",
      resource(
        "azurerm_storage_container",
        id,
        {
          name: bucket.name,
          storage_account_id: expr("azurerm_storage_account.main.id"),
          container_access_type: bucket.public ? "blob" : "private",
        },
        comment,
      ),
    );
    ctx.connections.set(bucket.name, {
      offer: {
        family: "bucket",
        parts: {
          bucket: plain(bucket.name),
          endpoint: plain(expr("azurerm_storage_account.main.primary_blob_endpoint")),
        },
      },
      // The app's own identity reads and writes this container's blobs, nothing else: no account key.
      access: [
        {
          // With storage_account_id set, the container's id is its Resource Manager ID (azurerm 4).
          scope: expr(`azurerm_storage_container.${id}.id`),
          role: "Storage Blob Data Contributor",
          label: `${id}_blobs`,
        },
      ],
    });
  }
  ctx.m.output(
    "storage_account_name",
    expr("azurerm_storage_account.main.name"),
    "Storage account that holds the buckets",
  );
  ctx.m.output(
    "storage_blob_endpoint",
    expr("azurerm_storage_account.main.primary_blob_endpoint"),
    "Blob endpoint; containers are at <endpoint><bucket>",
  );
}
