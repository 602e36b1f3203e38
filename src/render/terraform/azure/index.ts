/**
 * Azure module: a resource group and a virtual network (an apps subnet, and
 * a delegated subnet with a private DNS zone per flexible-server engine),
 * then the data tier, storage and Container Apps or AKS.
 */
import type { DeploymentSpec } from "../../../spec/schema.js";
import { imageVariables, type ModuleBuilder, resource, variableBlock } from "../common.js";
import { block, call, expr, type TopBlock } from "../hcl.js";
import { renderAzureAlerts } from "./alerts.js";
import { type AzureContext, azureContext, PLACE } from "./context.js";
import { renderAzureData } from "./data.js";
import { renderAks, renderContainerApps } from "./services.js";
import { renderAzureBuckets } from "./storage.js";

const DELEGATION = {
  postgres: {
    index: 10,
    service: "Microsoft.DBforPostgreSQL/flexibleServers",
    zone: "postgres.database.azure.com",
  },
  mysql: { index: 11, service: "Microsoft.DBforMySQL/flexibleServers", zone: "mysql.database.azure.com" },
} as const;

function delegatedSubnet(kind: "postgres" | "mysql"): TopBlock[] {
  const d = DELEGATION[kind];
  return [
    resource("azurerm_subnet", kind, {
      name: kind,
      resource_group_name: PLACE.resource_group_name,
      virtual_network_name: expr("azurerm_virtual_network.main.name"),
      address_prefixes: [call("cidrsubnet", expr("var.vnet_cidr"), 8, d.index)],
      delegation: block({
        name: kind,
        service_delegation: block({
          name: d.service,
          actions: ["Microsoft.Network/virtualNetworks/subnets/join/action"],
        }),
      }),
    }),
    resource("azurerm_private_dns_zone", kind, {
      name: expr(`"\${local.name_prefix}.${d.zone}"`),
      resource_group_name: PLACE.resource_group_name,
    }),
    resource("azurerm_private_dns_zone_virtual_network_link", kind, {
      name: kind,
      resource_group_name: PLACE.resource_group_name,
      private_dns_zone_name: expr(`azurerm_private_dns_zone.${kind}.name`),
      virtual_network_id: expr("azurerm_virtual_network.main.id"),
    }),
  ];
}

function network(ctx: AzureContext): void {
  const cosmos = ctx.spec.databases.some((d) => d.engine === "mongodb");
  ctx.m.add(
    "network",
    resource("azurerm_resource_group", "main", {
      name: expr(`"rg-\${local.name_prefix}"`),
      location: expr("var.location"),
      tags: expr("local.tags"),
    }),
    // Server, cache, bus and storage names are global: a random suffix keeps them unique.
    resource("random_id", "suffix", { byte_length: 4 }),
    resource("azurerm_virtual_network", "main", {
      name: expr(`"vnet-\${local.name_prefix}"`),
      ...PLACE,
      address_space: [expr("var.vnet_cidr")],
    }),
    resource("azurerm_subnet", "apps", {
      name: "apps",
      resource_group_name: PLACE.resource_group_name,
      virtual_network_name: expr("azurerm_virtual_network.main.name"),
      address_prefixes: [call("cidrsubnet", expr("var.vnet_cidr"), 7, 0)],
      service_endpoints: cosmos ? ["Microsoft.AzureCosmosDB"] : undefined,
    }),
    ...[...ctx.delegations].sort().flatMap(delegatedSubnet),
  );
  const workspace = ctx.aks ? ctx.spec.monitoring.enabled : ctx.spec.services.length > 0;
  if (workspace) {
    ctx.m.add(
      "network",
      resource("azurerm_log_analytics_workspace", "main", {
        name: expr(`"log-\${local.name_prefix}"`),
        ...PLACE,
        sku: "PerGB2018",
        retention_in_days: ctx.production ? 90 : 30,
      }),
    );
  }
}

export function renderAzure(spec: DeploymentSpec): ModuleBuilder {
  const ctx = azureContext(spec);
  const m = ctx.m;
  m.providers.add("azurerm");
  m.providerBlocks.push({
    blockType: "provider",
    labels: ["azurerm"],
    body: { features: block({}), subscription_id: expr("var.subscription_id") },
  });
  m.variable(
    variableBlock("subscription_id", {
      type: "string",
      description: "Azure subscription; null reads ARM_SUBSCRIPTION_ID from the environment",
      default: null,
    }),
  );
  if (!ctx.aks) for (const v of imageVariables(spec.services)) m.variable(v);
  m.variable(
    variableBlock("vnet_cidr", {
      type: "string",
      description: "Address range of the virtual network",
      default: "10.0.0.0/16",
    }),
  );
  renderAzureData(ctx);
  renderAzureBuckets(ctx);
  if (ctx.aks) renderAks(ctx);
  else renderContainerApps(ctx);
  renderAzureAlerts(ctx);
  network(ctx);
  m.output(
    "resource_group_name",
    expr("azurerm_resource_group.main.name"),
    "Resource group of the deployment",
  );
  return m;
}
