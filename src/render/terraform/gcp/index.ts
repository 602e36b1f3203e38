/**
 * GCP module: project APIs, a VPC with one regional subnet (and secondary
 * ranges for GKE), private services access for Cloud SQL and Memorystore,
 * then the data tier and Cloud Run or GKE.
 */
import type { DeploymentSpec } from "../../../spec/schema.js";
import { dataSource, imageVariables, type ModuleBuilder, named, resource, variableBlock } from "../common.js";
import { block, call, expr } from "../hcl.js";
import { renderGcpAlerts } from "./alerts.js";
import { type GcpContext, gcpContext } from "./context.js";
import { renderGcpData } from "./data.js";
import { renderCloudRun, renderGke } from "./services.js";

function network(ctx: GcpContext): void {
  const m = ctx.m;
  m.add(
    "network",
    resource("google_project_service", "apis", {
      for_each: call("toset", [...ctx.apis].sort()),
      service: expr("each.value"),
      // Other stacks in the project may use the same APIs.
      disable_on_destroy: false,
    }),
    resource("google_compute_network", "main", {
      name: expr("local.name_prefix"),
      auto_create_subnetworks: false,
      depends_on: [expr("google_project_service.apis")],
    }),
    resource("google_compute_subnetwork", "main", {
      name: expr("local.name_prefix"),
      region: expr("var.region"),
      network: expr("google_compute_network.main.id"),
      ip_cidr_range: expr("var.subnet_cidr"),
      private_ip_google_access: true,
      secondary_ip_range: ctx.gke
        ? [
            block({ range_name: "pods", ip_cidr_range: expr("var.pods_cidr") }),
            block({ range_name: "services", ip_cidr_range: expr("var.services_cidr") }),
          ]
        : undefined,
    }),
  );
  if (ctx.privateServices) {
    m.add(
      "network",
      resource("google_compute_global_address", "private_services", {
        name: named("private-services"),
        purpose: "VPC_PEERING",
        address_type: "INTERNAL",
        prefix_length: 16,
        network: expr("google_compute_network.main.id"),
      }),
      resource("google_service_networking_connection", "private_services", {
        network: expr("google_compute_network.main.id"),
        service: "servicenetworking.googleapis.com",
        reserved_peering_ranges: [expr("google_compute_global_address.private_services.name")],
      }),
    );
  }
  if (ctx.gke && !ctx.production) {
    m.add("network", dataSource("google_compute_zones", "available", { region: expr("var.region") }));
  }
}

function variables(ctx: GcpContext): void {
  const m = ctx.m;
  m.variable(
    variableBlock("project_id", {
      type: "string",
      description: "Google Cloud project to deploy into (required)",
    }),
  );
  for (const v of imageVariables(ctx.gke ? [] : ctx.spec.services)) m.variable(v);
  m.variable(
    variableBlock("subnet_cidr", {
      type: "string",
      description: "Address range of the subnet",
      default: "10.0.0.0/20",
    }),
  );
  if (ctx.gke) {
    m.variable(
      variableBlock("pods_cidr", {
        type: "string",
        description: "Secondary range for GKE pods",
        default: "10.4.0.0/14",
      }),
    );
    m.variable(
      variableBlock("services_cidr", {
        type: "string",
        description: "Secondary range for GKE services",
        default: "10.8.0.0/20",
      }),
    );
  }
}

export function renderGcp(spec: DeploymentSpec): ModuleBuilder {
  const ctx = gcpContext(spec);
  const m = ctx.m;
  m.providers.add("google");
  m.providerBlocks.push({
    blockType: "provider",
    labels: ["google"],
    body: { project: expr("var.project_id"), region: expr("var.region"), default_labels: expr("local.tags") },
  });
  variables(ctx);
  if (spec.buckets.length > 0) ctx.apis.add("storage.googleapis.com");
  renderGcpData(ctx);
  if (ctx.gke) renderGke(ctx);
  else renderCloudRun(ctx);
  renderGcpAlerts(ctx);
  if (ctx.privateServices) ctx.apis.add("servicenetworking.googleapis.com");
  network(ctx);
  m.output("network_id", expr("google_compute_network.main.id"), "VPC network");
  return m;
}
