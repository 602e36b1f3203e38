/**
 * GCP compute: Cloud Run services (web and worker) and jobs with a Cloud
 * Scheduler trigger (cron), or, for target kubernetes, a GKE cluster with one
 * node pool whose workloads come from the kubernetes target's manifests.
 */

import { cpuCores, memoryMiB } from "../../../spec/quantity.js";
import type { Service } from "../../../spec/schema.js";
import { literalArgs } from "../../volumes.js";
import { ident, named, resource, shortName, variableBlock, webPort } from "../common.js";
import { type CloudEnv, cloudEnv, plain } from "../connections.js";
import { block, call, expr, type HclBlock, type TopBlock } from "../hcl.js";
import type { GcpAccess, GcpContext } from "./context.js";
import { envBlocks, secretBlocks, serviceAccount, serviceIdentity } from "./identity.js";
import { gcpVolumeBlocks, gcpVolumeMounts, renderGcpVolumes } from "./volumes.js";

/** Cloud Run CPU is 1, 2, 4 or 8, with a memory floor per CPU count. */
export function cloudRunLimits(s: Service): { cpu: string; memory: string } {
  const cores = cpuCores(s.resources?.cpu) ?? 1;
  const cpu = [1, 2, 4, 8].find((c) => c >= cores) ?? 8;
  const floor: Record<number, number> = { 1: 512, 2: 1024, 4: 2048, 8: 4096 };
  const mib = Math.max(floor[cpu] ?? 512, memoryMiB(s.resources?.memory) ?? 0);
  return { cpu: String(cpu), memory: mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi` };
}

function container(s: Service, envs: CloudEnv<GcpAccess>): HclBlock {
  const limits = cloudRunLimits(s);
  const probe = s.healthCheck ? block({ http_get: block({ path: s.healthCheck.path }) }) : undefined;
  const env = envBlocks(envs);
  return block({
    image: expr(`var.${ident(s.name)}_image`),
    // Cloud Run expands $(NAME) in command and args like Kubernetes: `$$` keeps the spec's text literal.
    command: s.command ? literalArgs(s.command) : undefined,
    args: s.args ? literalArgs(s.args) : undefined,
    ports: s.kind === "cron" ? undefined : block({ container_port: webPort(s) }),
    // Workers keep their CPU between requests; web services idle it.
    resources: block({
      limits: { cpu: limits.cpu, memory: limits.memory },
      cpu_idle: s.kind === "cron" ? undefined : s.kind === "web",
    }),
    env: env.length > 0 ? env : undefined,
    startup_probe: probe,
    liveness_probe: probe,
    volume_mounts: gcpVolumeMounts(s),
  });
}

/** NFS volumes need the second generation execution environment. */
function volumeFields(s: Service) {
  const volumes = gcpVolumeBlocks(s);
  return volumes ? { execution_environment: "EXECUTION_ENVIRONMENT_GEN2", volumes } : {};
}

const VPC_ACCESS = block({
  network_interfaces: block({
    network: expr("google_compute_network.main.id"),
    subnetwork: expr("google_compute_subnetwork.main.id"),
  }),
  egress: "PRIVATE_RANGES_ONLY",
});

function runService(ctx: GcpContext, s: Service): TopBlock[] {
  const id = ident(s.name);
  const env = cloudEnv(s, ctx.connections);
  const identity = serviceIdentity(s, env);
  const min = s.autoscale?.min ?? s.replicas;
  const max = s.autoscale?.max ?? Math.max(s.replicas, 1);
  const comment = [
    ...(s.kind === "worker"
      ? [`Worker ${s.name}: Cloud Run expects the container to answer on $PORT (${webPort(s)}).`]
      : []),
    ...(s.autoscale
      ? ["Cloud Run scales on request load; the spec's CPU target has no equivalent here."]
      : []),
  ];
  const blocks = [
    ...identity.blocks,
    resource(
      "google_cloud_run_v2_service",
      id,
      {
        name: shortName(s.name, 49),
        location: expr("var.region"),
        ingress: s.public ? "INGRESS_TRAFFIC_ALL" : "INGRESS_TRAFFIC_INTERNAL_ONLY",
        deletion_protection: ctx.production,
        template: block({
          service_account: expr(`${serviceAccount(s)}.email`),
          scaling: block({ min_instance_count: min, max_instance_count: max }),
          vpc_access: VPC_ACCESS,
          ...volumeFields(s),
          containers: container(s, env),
        }),
        // A revision starts only once its account may read its secrets.
        depends_on: identity.grants.length > 0 ? identity.grants : undefined,
      },
      comment.length > 0 ? comment : undefined,
    ),
  ];
  const url = expr(`google_cloud_run_v2_service.${id}.uri`);
  ctx.m.output(`${id}_url`, url, `URL of Cloud Run service ${s.name}`);
  if (!s.public) return blocks;
  blocks.push(
    resource("google_cloud_run_v2_service_iam_member", `${id}_public`, {
      name: expr(`google_cloud_run_v2_service.${id}.name`),
      location: expr("var.region"),
      role: "roles/run.invoker",
      member: "allUsers",
    }),
  );
  if (s.domain) blocks.push(domainMapping(ctx, s, s.domain));
  return blocks;
}

function domainMapping(ctx: GcpContext, s: Service, domain: string): TopBlock {
  const id = ident(s.name);
  ctx.m.output(
    `${id}_dns_records`,
    expr(`google_cloud_run_domain_mapping.${id}.status[0].resource_records`),
    `DNS records to create for ${domain}; Google then issues the certificate`,
  );
  return resource("google_cloud_run_domain_mapping", id, {
    name: domain,
    location: expr("var.region"),
    metadata: block({ namespace: expr("var.project_id") }),
    spec: block({ route_name: expr(`google_cloud_run_v2_service.${id}.name`) }),
  });
}

function runJob(ctx: GcpContext, s: Service): TopBlock[] {
  const id = ident(s.name);
  const env = cloudEnv(s, ctx.connections);
  const identity = serviceIdentity(s, env);
  const uri = `"https://run.googleapis.com/v2/projects/\${var.project_id}/locations/\${var.region}/jobs/\${google_cloud_run_v2_job.${id}.name}:run"`;
  return [
    ...identity.blocks,
    resource("google_cloud_run_v2_job", id, {
      name: shortName(s.name, 49),
      location: expr("var.region"),
      deletion_protection: ctx.production,
      template: block({
        template: block({
          service_account: expr(`${serviceAccount(s)}.email`),
          max_retries: 1,
          timeout: "3600s",
          vpc_access: VPC_ACCESS,
          ...volumeFields(s),
          containers: container(s, env),
        }),
      }),
      depends_on: identity.grants.length > 0 ? identity.grants : undefined,
    }),
    resource("google_cloud_run_v2_job_iam_member", id, {
      name: expr(`google_cloud_run_v2_job.${id}.name`),
      location: expr("var.region"),
      role: "roles/run.invoker",
      member: expr(`"serviceAccount:\${google_service_account.run.email}"`),
    }),
    resource("google_cloud_scheduler_job", id, {
      name: named(s.name),
      region: expr("var.region"),
      schedule: s.schedule,
      time_zone: "Etc/UTC",
      http_target: block({
        http_method: "POST",
        uri: expr(uri),
        oauth_token: block({ service_account_email: expr("google_service_account.run.email") }),
      }),
    }),
  ];
}

export function renderCloudRun(ctx: GcpContext): void {
  const services = ctx.spec.services;
  if (services.length === 0) return;
  // Another service is reached at its Cloud Run URL (internal ingress stays inside the project's network).
  for (const s of services) {
    if (s.kind === "cron" || s.port === undefined) continue;
    const url = plain(expr(`google_cloud_run_v2_service.${ident(s.name)}.uri`));
    ctx.connections.set(s.name, { offer: { family: "service", parts: { url } }, access: [] });
  }
  ctx.m.add("secrets", ...secretBlocks(ctx));
  ctx.apis.add("run.googleapis.com");
  renderGcpVolumes(ctx);
  if (services.some((s) => s.kind === "cron")) {
    ctx.apis.add("cloudscheduler.googleapis.com");
    ctx.m.add(
      "services",
      resource("google_service_account", "run", {
        account_id: shortName("run", 30),
        display_name: expr(`"Cloud Scheduler of \${local.name_prefix}: starts the jobs"`),
      }),
    );
  }
  for (const s of services)
    ctx.m.add("services", ...(s.kind === "cron" ? runJob(ctx, s) : runService(ctx, s)));
}

function gkeVariables(ctx: GcpContext): void {
  const p = ctx.production;
  const vars = [
    variableBlock("node_machine_type", {
      type: "string",
      description: "Machine type of the GKE nodes",
      default: p ? "e2-standard-4" : "e2-standard-2",
    }),
    variableBlock("node_min_count", { type: "number", description: "Fewest nodes per zone", default: 1 }),
    variableBlock("node_max_count", {
      type: "number",
      description: "Most nodes per zone",
      default: p ? 5 : 3,
    }),
  ];
  for (const v of vars) ctx.m.variable(v);
}

/** The least a node needs: write logs and metrics, pull images from Artifact Registry. */
const NODE_ROLES = [
  "roles/logging.logWriter",
  "roles/monitoring.metricWriter",
  "roles/artifactregistry.reader",
];

function nodeIdentity(): TopBlock[] {
  return [
    resource("google_service_account", "nodes", {
      account_id: shortName("nodes", 30),
      display_name: expr(`"GKE nodes of \${local.name_prefix}"`),
    }),
    resource("google_project_iam_member", "nodes", {
      for_each: call("toset", NODE_ROLES),
      project: expr("var.project_id"),
      role: expr("each.value"),
      member: expr(`"serviceAccount:\${google_service_account.nodes.email}"`),
    }),
  ];
}

function gkeCluster(ctx: GcpContext): TopBlock {
  const names = ctx.spec.services.map((s) => s.name).join(", ") || "none yet";
  return resource(
    "google_container_cluster",
    "main",
    {
      name: expr("local.name_prefix"),
      location: expr("var.region"),
      network: expr("google_compute_network.main.id"),
      subnetwork: expr("google_compute_subnetwork.main.id"),
      // The default pool is replaced by the managed pool below.
      remove_default_node_pool: true,
      initial_node_count: 1,
      deletion_protection: ctx.production,
      release_channel: block({ channel: "REGULAR" }),
      ip_allocation_policy: block({
        cluster_secondary_range_name: "pods",
        services_secondary_range_name: "services",
      }),
      workload_identity_config: block({ workload_pool: expr(`"\${var.project_id}.svc.id.goog"`) }),
    },
    [
      "Target kubernetes: Terraform creates the cluster; the workloads",
      `(${names}) come from the kubernetes target's manifests.`,
    ],
  );
}

function nodePool(ctx: GcpContext): TopBlock {
  return resource("google_container_node_pool", "main", {
    name: "default",
    cluster: expr("google_container_cluster.main.id"),
    location: expr("var.region"),
    // Outside production the nodes stay in one zone of the region.
    node_locations: ctx.production ? undefined : [expr("data.google_compute_zones.available.names[0]")],
    autoscaling: block({
      min_node_count: expr("var.node_min_count"),
      max_node_count: expr("var.node_max_count"),
    }),
    management: block({ auto_repair: true, auto_upgrade: true }),
    node_config: block({
      machine_type: expr("var.node_machine_type"),
      disk_size_gb: 50,
      service_account: expr("google_service_account.nodes.email"),
      oauth_scopes: ["https://www.googleapis.com/auth/cloud-platform"],
      workload_metadata_config: block({ mode: "GKE_METADATA" }),
    }),
  });
}

export function renderGke(ctx: GcpContext): void {
  ctx.apis.add("container.googleapis.com");
  gkeVariables(ctx);
  ctx.m.add("cluster", ...nodeIdentity(), gkeCluster(ctx), nodePool(ctx));
  ctx.m.output("gke_cluster_name", expr("google_container_cluster.main.name"), "GKE cluster name");
  ctx.m.output(
    "kubeconfig_command",
    expr(
      `"gcloud container clusters get-credentials \${google_container_cluster.main.name} --region \${var.region} --project \${var.project_id}"`,
    ),
    "Run this to point kubectl at the cluster",
  );
}
