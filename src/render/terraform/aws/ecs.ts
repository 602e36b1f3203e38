/**
 * Services on ECS Fargate: one cluster, a task definition per service (CPU
 * and memory from the spec, rounded up to a Fargate size), an ECS service
 * with desired_count = replicas (web and worker), an EventBridge schedule
 * for cron services, target-tracking autoscaling, and Service Connect so
 * that services reach each other by name.
 */

import { fargateCpuUnits, fargateShape } from "../../../spec/cloud-sizes.js";
import { cpuCores, memoryMiB } from "../../../spec/quantity.js";
import type { Queue, Service } from "../../../spec/schema.js";
import { volumesOf } from "../../volumes.js";
import { ident, named, resource, versionOf, webPort } from "../common.js";
import { type CloudEnv, cloudEnv, plain } from "../connections.js";
import { block, call, expr, type HclValue, type TopBlock } from "../hcl.js";
import { publicServices, renderAwsLoadBalancer, securedServices } from "./alb.js";
import type { AwsAccess, AwsContext } from "./context.js";
import { assumeRole, executionRole, secretArn, secretBlocks, serviceRoles } from "./identity.js";
import { efsDependencies, efsMountPoints, efsVolumeBlocks, renderAwsVolumes } from "./volumes.js";

/** The smallest Fargate size that holds the requested CPU and memory. */
export function fargateSize(
  cpu: string | undefined,
  memory: string | undefined,
): { cpu: number; memory: number } {
  const shape = fargateShape({
    millicores: Math.ceil((cpuCores(cpu) ?? 0.25) * 1000),
    mib: memoryMiB(memory) ?? 0,
  });
  return { cpu: fargateCpuUnits(shape.millicores), memory: shape.mib };
}

/** A 5-field cron as an EventBridge expression: a year field, "?" in one day field, days of week 1-7 from Sunday. */
export function awsCron(schedule: string): string {
  const [minute, hour, dom = "*", month, dow = "*"] = schedule.trim().split(/\s+/);
  if (dow === "*") return `cron(${minute} ${hour} ${dom} ${month} ? *)`;
  if (dom !== "*") return `cron(${minute} ${hour} ${dom} ${month} ? *)`; // both set: EventBridge takes one; the day of month wins
  const days = dow.replace(/(^|[,-])(\d+)/g, (_m, sep: string, n: string) => `${sep}${(Number(n) % 7) + 1}`);
  return `cron(${minute} ${hour} ? ${month} ${days} *)`;
}

/** NATS has no managed offer on AWS: each nats queue becomes an internal ECS service. */
export function natsServices(queues: readonly Queue[]): Service[] {
  return queues
    .filter((q) => q.engine === "nats")
    .map(
      (q) =>
        ({
          name: q.name,
          kind: "worker",
          image: `nats:${versionOf(q)}`,
          port: 4222,
          replicas: 1,
          public: false,
          tls: false,
          env: {},
          dependsOn: [],
        }) satisfies Service,
    );
}

function containerDefinition(s: Service, env: CloudEnv<AwsAccess>): HclValue {
  const secrets = env.secrets.map(([name, secret]) => ({ name, valueFrom: secretArn(secret) }));
  return call("jsonencode", [
    {
      name: s.name,
      image: expr(`var.${ident(s.name)}_image`),
      essential: true,
      // The spec's command replaces the image's ENTRYPOINT, its args the CMD (Kubernetes' meaning).
      entryPoint: s.command ? [...s.command] : undefined,
      command: s.args ? [...s.args] : s.command ? [] : undefined,
      mountPoints: volumesOf(s).length > 0 ? efsMountPoints(s) : undefined,
      portMappings:
        s.port === undefined && s.kind !== "web"
          ? undefined
          : [{ name: "http", containerPort: webPort(s), protocol: "tcp" }],
      environment: env.plain.map(([name, value]) => ({ name, value })),
      // Credentials: ECS reads them from Secrets Manager when the task starts (execution role).
      secrets: secrets.length > 0 ? secrets : undefined,
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": expr("aws_cloudwatch_log_group.services.name"),
          "awslogs-region": expr("var.region"),
          "awslogs-stream-prefix": s.name,
        },
      },
    },
  ]);
}

function taskDefinition(ctx: AwsContext, s: Service, comment?: string[]): TopBlock {
  const size = fargateSize(s.resources?.cpu, s.resources?.memory);
  const env = cloudEnv(s, ctx.connections);
  return resource(
    "aws_ecs_task_definition",
    ident(s.name),
    {
      family: named(s.name),
      requires_compatibilities: ["FARGATE"],
      network_mode: "awsvpc",
      cpu: String(size.cpu),
      memory: String(size.memory),
      execution_role_arn: expr(`aws_iam_role.${executionRole(s, env)}.arn`),
      task_role_arn: env.access.length > 0 ? expr(`aws_iam_role.${ident(s.name)}_task.arn`) : undefined,
      container_definitions: containerDefinition(s, env),
      volume: volumesOf(s).length > 0 ? efsVolumeBlocks(s) : undefined,
    },
    comment,
  );
}

const NETWORK = block({
  subnets: expr("aws_subnet.private[*].id"),
  security_groups: [expr("aws_security_group.services.id")],
  assign_public_ip: false,
});

function ecsService(s: Service, behindLb: boolean, listeners: readonly string[]): TopBlock {
  const id = ident(s.name);
  const hasPort = s.port !== undefined || s.kind === "web";
  return resource("aws_ecs_service", id, {
    name: s.name,
    cluster: expr("aws_ecs_cluster.main.id"),
    task_definition: expr(`aws_ecs_task_definition.${id}.arn`),
    desired_count: s.replicas,
    launch_type: "FARGATE",
    network_configuration: NETWORK,
    load_balancer: behindLb
      ? block({
          target_group_arn: expr(`aws_lb_target_group.${id}.arn`),
          container_name: s.name,
          container_port: webPort(s),
        })
      : undefined,
    service_connect_configuration: block({
      enabled: true,
      namespace: expr("aws_service_discovery_http_namespace.main.arn"),
      service: hasPort
        ? block({
            port_name: "http",
            discovery_name: s.name,
            client_alias: block({ port: webPort(s), dns_name: s.name }),
          })
        : undefined,
    }),
    deployment_circuit_breaker: block({ enable: true, rollback: true }),
    // The autoscaler owns the count once the service runs.
    lifecycle: s.autoscale ? block({ ignore_changes: [expr("desired_count")] }) : undefined,
    depends_on: dependsOnOf(s, behindLb ? listeners.map((l) => expr(`aws_lb_listener.${l}`)) : []),
  });
}

function dependsOnOf(s: Service, listeners: HclValue[]): HclValue[] | undefined {
  const all = [...listeners, ...efsDependencies(s)];
  return all.length > 0 ? all : undefined;
}

function autoscaling(s: Service): TopBlock[] {
  if (!s.autoscale) return [];
  const id = ident(s.name);
  const target = `aws_appautoscaling_target.${id}`;
  return [
    resource("aws_appautoscaling_target", id, {
      service_namespace: "ecs",
      resource_id: expr(`"service/\${aws_ecs_cluster.main.name}/\${aws_ecs_service.${id}.name}"`),
      scalable_dimension: "ecs:service:DesiredCount",
      min_capacity: s.autoscale.min,
      max_capacity: s.autoscale.max,
    }),
    resource("aws_appautoscaling_policy", id, {
      name: named(`${s.name}-cpu`),
      policy_type: "TargetTrackingScaling",
      service_namespace: expr(`${target}.service_namespace`),
      resource_id: expr(`${target}.resource_id`),
      scalable_dimension: expr(`${target}.scalable_dimension`),
      target_tracking_scaling_policy_configuration: block({
        target_value: s.autoscale.targetCpuPercent,
        predefined_metric_specification: block({ predefined_metric_type: "ECSServiceAverageCPUUtilization" }),
      }),
    }),
  ];
}

function schedule(s: Service): TopBlock[] {
  const id = ident(s.name);
  return [
    resource("aws_cloudwatch_event_rule", id, {
      name: named(s.name),
      description: `Runs ${s.name} on "${s.schedule}" (UTC)`,
      schedule_expression: awsCron(s.schedule ?? "0 0 * * *"),
    }),
    resource("aws_cloudwatch_event_target", id, {
      rule: expr(`aws_cloudwatch_event_rule.${id}.name`),
      arn: expr("aws_ecs_cluster.main.arn"),
      role_arn: expr("aws_iam_role.events.arn"),
      ecs_target: block({
        task_definition_arn: expr(`aws_ecs_task_definition.${id}.arn`),
        task_count: 1,
        launch_type: "FARGATE",
        network_configuration: NETWORK,
      }),
    }),
  ];
}

function roles(ctx: AwsContext, crons: readonly Service[]): TopBlock[] {
  const blocks = [
    resource("aws_iam_role", "ecs_execution", {
      name: named("ecs-execution"),
      assume_role_policy: assumeRole("ecs-tasks.amazonaws.com"),
    }),
    resource("aws_iam_role_policy_attachment", "ecs_execution", {
      role: expr("aws_iam_role.ecs_execution.name"),
      policy_arn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
    }),
  ];
  if (crons.length === 0) return blocks;
  const taskArns = crons.map((s) =>
    expr(`"\${aws_ecs_task_definition.${ident(s.name)}.arn_without_revision}:*"`),
  );
  // EventBridge passes each job's own roles to ECS, and only those.
  const passed = new Set<string>();
  for (const s of crons) {
    const env = cloudEnv(s, ctx.connections);
    passed.add(executionRole(s, env));
    if (env.access.length > 0) passed.add(`${ident(s.name)}_task`);
  }
  const policy = {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: "ecs:RunTask", Resource: taskArns },
      {
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: [...passed].sort().map((r) => expr(`aws_iam_role.${r}.arn`)),
      },
    ],
  };
  return [
    ...blocks,
    resource("aws_iam_role", "events", {
      name: named("events"),
      assume_role_policy: assumeRole("events.amazonaws.com"),
    }),
    resource("aws_iam_role_policy", "events", {
      role: expr("aws_iam_role.events.id"),
      policy: call("jsonencode", policy),
    }),
  ];
}

function cluster(ctx: AwsContext): TopBlock[] {
  return [
    resource("aws_ecs_cluster", "main", {
      name: expr("local.name_prefix"),
      setting: block({
        name: "containerInsights",
        value: ctx.spec.monitoring.enabled ? "enabled" : "disabled",
      }),
    }),
    resource("aws_cloudwatch_log_group", "services", {
      name: expr(`"/ecs/\${local.name_prefix}"`),
      retention_in_days: ctx.production ? 90 : 14,
    }),
    resource("aws_service_discovery_http_namespace", "main", { name: expr("local.name_prefix") }),
  ];
}

/** What a dependant gets for another service (Service Connect names it) and for a NATS queue run here. */
function serviceConnections(ctx: AwsContext, nats: readonly Service[]): void {
  for (const q of nats) {
    const parts = { url: plain(`nats://${q.name}:4222`), host: plain(q.name), port: plain("4222") };
    ctx.connections.set(q.name, { offer: { family: "nats", parts }, access: [] });
  }
  for (const s of ctx.spec.services) {
    if (s.port === undefined || s.kind === "cron") continue;
    const url = plain(`http://${s.name}:${webPort(s)}`);
    ctx.connections.set(s.name, { offer: { family: "service", parts: { url } }, access: [] });
  }
}

export function renderAwsEcs(ctx: AwsContext): void {
  const nats = natsServices(ctx.spec.queues);
  serviceConnections(ctx, nats);
  const all = [...ctx.spec.services, ...nats];
  const lbNames = new Set(publicServices(ctx).map((s) => s.name));
  // Computed once: per service it made rendering quadratic in the number of services.
  const listeners = securedServices(ctx).length > 0 ? ["http", "https"] : ["http"];
  const crons = all.filter((s) => s.kind === "cron");
  ctx.m.add("services", ...cluster(ctx), ...roles(ctx, crons));
  renderAwsVolumes(ctx);
  ctx.m.add("secrets", ...secretBlocks(ctx, all));
  for (const s of all) {
    ctx.m.add("services", ...serviceRoles(s, cloudEnv(s, ctx.connections)));
    if (s.port !== undefined || s.kind === "web") ctx.servicePorts.push(webPort(s));
    const isNats = nats.includes(s);
    const comment = isNats
      ? [`Queue ${s.name}: AWS has no managed NATS, so it runs here as an internal ECS service.`]
      : undefined;
    ctx.m.add("services", taskDefinition(ctx, s, comment));
    if (s.kind === "cron") ctx.m.add("services", ...schedule(s));
    else ctx.m.add("services", ecsService(s, lbNames.has(s.name), listeners), ...autoscaling(s));
  }
  renderAwsLoadBalancer(ctx);
  ctx.m.output("ecs_cluster_name", expr("aws_ecs_cluster.main.name"), "ECS cluster that runs the services");
}
