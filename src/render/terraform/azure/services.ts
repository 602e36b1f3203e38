/**
 * Azure compute: a Container Apps environment in the apps subnet with a
 * container app per web or worker service and a scheduled job per cron
 * service; or, for target kubernetes, an AKS cluster whose workloads come
 * from the kubernetes target's manifests.
 */

import { cpuCores, memoryMiB } from "../../../spec/quantity.js";
import type { Service } from "../../../spec/schema.js";
import { ident, resource, shortName, variableBlock, webPort } from "../common.js";
import { type CloudEnv, cloudEnv, plain } from "../connections.js";
import { block, expr, type HclBlock, type TopBlock } from "../hcl.js";
import { type AzureAccess, type AzureContext, PLACE } from "./context.js";
import { azureVolumeBlocks, azureVolumeMounts, renderAzureVolumes } from "./volumes.js";

/** Container Apps sizes: CPU in quarter cores (0.25-4) with twice as many GiB of memory. */
export function containerAppSize(s: Service): { cpu: number; memory: string } {
  const byCpu = cpuCores(s.resources?.cpu) ?? 0.5;
  const byMemory = (memoryMiB(s.resources?.memory) ?? 0) / 2048;
  const cpu = Math.min(4, Math.max(0.25, Math.ceil(Math.max(byCpu, byMemory) * 4) / 4));
  return { cpu, memory: `${cpu * 2}Gi` };
}

/** Credentials are the app's own secrets (not readable by other apps); env entries name them. */
function envBlocks(env: CloudEnv<AzureAccess>): HclBlock[] {
  return [
    ...env.plain.map(([name, value]) => block({ name, value })),
    ...env.secrets.map(([name, secret]) => block({ name, secret_name: secret.id })),
  ];
}

function secretsOf(env: CloudEnv<AzureAccess>): HclBlock[] | undefined {
  const blocks = env.readSecrets.map((secret) => block({ name: secret.id, value: secret.value }));
  return blocks.length > 0 ? blocks : undefined;
}

/** The app's own identity, and a role on each resource it uses (blob containers). */
function roleAssignments(s: Service, env: CloudEnv<AzureAccess>, type: string): TopBlock[] {
  const id = ident(s.name);
  return env.access.map((a) =>
    resource("azurerm_role_assignment", `${id}_${a.label}`, {
      scope: a.scope,
      role_definition_name: a.role,
      principal_id: expr(`${type}.${id}.identity[0].principal_id`),
    }),
  );
}

function identityOf(env: CloudEnv<AzureAccess>): HclBlock | undefined {
  return env.access.length > 0 ? block({ type: "SystemAssigned" }) : undefined;
}

function container(s: Service, envs: CloudEnv<AzureAccess>): HclBlock {
  const size = containerAppSize(s);
  const env = envBlocks(envs);
  return block({
    name: s.name,
    image: expr(`var.${ident(s.name)}_image`),
    command: s.command ? [...s.command] : undefined,
    args: s.args ? [...s.args] : undefined,
    cpu: size.cpu,
    memory: size.memory,
    env: env.length > 0 ? env : undefined,
    liveness_probe: s.healthCheck
      ? block({ transport: "HTTP", port: webPort(s), path: s.healthCheck.path })
      : undefined,
    volume_mounts: azureVolumeMounts(s),
  });
}

function containerApp(ctx: AzureContext, s: Service): TopBlock[] {
  const id = ident(s.name);
  const env = cloudEnv(s, ctx.connections);
  const listens = s.kind === "web" || s.port !== undefined;
  const scaleRule = s.autoscale
    ? block({
        name: "cpu",
        custom_rule_type: "cpu",
        metadata: { type: "Utilization", value: String(s.autoscale.targetCpuPercent) },
      })
    : undefined;
  const comment = s.domain
    ? [
        `Domain ${s.domain}: add a CNAME to the app's FQDN and the TXT record asuid.${s.domain}, then bind it with azurerm_container_app_custom_domain.`,
      ]
    : undefined;
  const app = resource(
    "azurerm_container_app",
    id,
    {
      name: shortName(s.name, 32),
      container_app_environment_id: expr("azurerm_container_app_environment.main.id"),
      resource_group_name: PLACE.resource_group_name,
      revision_mode: "Single",
      identity: identityOf(env),
      secret: secretsOf(env),
      template: block({
        min_replicas: s.autoscale?.min ?? s.replicas,
        max_replicas: s.autoscale?.max ?? Math.max(s.replicas, 1),
        container: container(s, env),
        volume: azureVolumeBlocks(s),
        custom_scale_rule: scaleRule,
      }),
      ingress: listens
        ? block({
            external_enabled: s.public,
            target_port: webPort(s),
            transport: "auto",
            traffic_weight: block({ latest_revision: true, percentage: 100 }),
          })
        : undefined,
    },
    comment,
  );
  return [app, ...roleAssignments(s, env, "azurerm_container_app")];
}

function containerJob(ctx: AzureContext, s: Service): TopBlock[] {
  const env = cloudEnv(s, ctx.connections);
  const job = resource("azurerm_container_app_job", ident(s.name), {
    name: shortName(s.name, 32),
    ...PLACE,
    container_app_environment_id: expr("azurerm_container_app_environment.main.id"),
    identity: identityOf(env),
    secret: secretsOf(env),
    replica_timeout_in_seconds: 3600,
    replica_retry_limit: 1,
    schedule_trigger_config: block({
      cron_expression: s.schedule,
      parallelism: 1,
      replica_completion_count: 1,
    }),
    template: block({ container: container(s, env), volume: azureVolumeBlocks(s) }),
  });
  return [job, ...roleAssignments(s, env, "azurerm_container_app_job")];
}

export function renderContainerApps(ctx: AzureContext): void {
  const services = ctx.spec.services;
  if (services.length === 0) return;
  // Another app is reached at its ingress host name (internal ingress stays inside the environment).
  for (const s of services) {
    if (s.kind === "cron" || s.port === undefined) continue;
    const url = plain(expr(`"https://\${azurerm_container_app.${ident(s.name)}.ingress[0].fqdn}"`));
    ctx.connections.set(s.name, { offer: { family: "service", parts: { url } }, access: [] });
  }
  ctx.m.add(
    "services",
    resource("azurerm_container_app_environment", "main", {
      name: expr(`"cae-\${local.name_prefix}"`),
      ...PLACE,
      log_analytics_workspace_id: expr("azurerm_log_analytics_workspace.main.id"),
      infrastructure_subnet_id: expr("azurerm_subnet.apps.id"),
      zone_redundancy_enabled: ctx.production,
    }),
  );
  renderAzureVolumes(ctx);
  for (const s of services) {
    ctx.m.add("services", ...(s.kind === "cron" ? containerJob(ctx, s) : containerApp(ctx, s)));
    if (s.kind !== "cron" && (s.kind === "web" || s.port !== undefined)) {
      const fqdn = expr(`azurerm_container_app.${ident(s.name)}.ingress[0].fqdn`);
      ctx.m.output(`${ident(s.name)}_fqdn`, fqdn, `Host name of container app ${s.name}`);
    }
  }
}

function aksVariables(ctx: AzureContext): void {
  const p = ctx.production;
  const vars = [
    variableBlock("kubernetes_version", {
      type: "string",
      description: "AKS Kubernetes version (null: the current default)",
      default: null,
    }),
    variableBlock("node_vm_size", {
      type: "string",
      description: "VM size of the AKS nodes",
      default: p ? "Standard_D4s_v5" : "Standard_D2s_v5",
    }),
    variableBlock("node_min_count", { type: "number", description: "Fewest nodes", default: p ? 3 : 1 }),
    variableBlock("node_max_count", { type: "number", description: "Most nodes", default: p ? 10 : 3 }),
  ];
  for (const v of vars) ctx.m.variable(v);
}

function aksCluster(ctx: AzureContext): TopBlock {
  const p = ctx.production;
  const names = ctx.spec.services.map((s) => s.name).join(", ") || "none yet";
  return resource(
    "azurerm_kubernetes_cluster",
    "main",
    {
      name: expr(`"aks-\${local.name_prefix}"`),
      ...PLACE,
      dns_prefix: expr("local.name_prefix"),
      kubernetes_version: expr("var.kubernetes_version"),
      sku_tier: p ? "Standard" : "Free",
      default_node_pool: block({
        name: "system",
        vm_size: expr("var.node_vm_size"),
        vnet_subnet_id: expr("azurerm_subnet.apps.id"),
        auto_scaling_enabled: true,
        min_count: expr("var.node_min_count"),
        max_count: expr("var.node_max_count"),
        zones: p ? ["1", "2", "3"] : undefined,
        upgrade_settings: block({ max_surge: "10%" }),
      }),
      identity: block({ type: "SystemAssigned" }),
      // Overlay networking: pods take addresses outside the VNet.
      network_profile: block({
        network_plugin: "azure",
        network_plugin_mode: "overlay",
        service_cidr: "10.1.0.0/16",
        dns_service_ip: "10.1.0.10",
      }),
      oms_agent: ctx.spec.monitoring.enabled
        ? block({ log_analytics_workspace_id: expr("azurerm_log_analytics_workspace.main.id") })
        : undefined,
    },
    [
      "Target kubernetes: Terraform creates the cluster; the workloads",
      `(${names}) come from the kubernetes target's manifests.`,
    ],
  );
}

export function renderAks(ctx: AzureContext): void {
  aksVariables(ctx);
  ctx.m.add("cluster", aksCluster(ctx));
  ctx.m.output("aks_cluster_name", expr("azurerm_kubernetes_cluster.main.name"), "AKS cluster name");
  ctx.m.output(
    "kubeconfig_command",
    expr(
      `"az aks get-credentials --resource-group \${azurerm_resource_group.main.name} --name \${azurerm_kubernetes_cluster.main.name}"`,
    ),
    "Run this to point kubectl at the cluster",
  );
}
