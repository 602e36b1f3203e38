/**
 * `monitoring.enabled` on ECS: CloudWatch alarms per service from the shared
 * alert table (spec/monitoring.ts), sent to one SNS topic (encrypted
 * with the AWS-managed key; subscribe to it, its ARN is an output).
 *
 * Signal -> metric: errors and p99 latency from the load balancer's target
 * group (public web services); unavailable replicas from Container Insights'
 * RunningTaskCount (switched on with monitoring); CPU and memory near their
 * limits from AWS/ECS CPUUtilization and MemoryUtilization (Fargate throttles
 * at the task's CPU, so CPU at the limit is the throttling signal). ECS has no
 * container restart or OOM-kill metric: stopped tasks are ECS events, not
 * alarms.
 */

import {
  ALERTS,
  type AlertDefinition,
  alertName,
  type Signal,
  watchedServices,
} from "../../../spec/monitoring.js";
import type { Service } from "../../../spec/schema.js";
import { ident, named, resource } from "../common.js";
import { block, expr, type HclBody, type TopBlock } from "../hcl.js";
import { publicServices } from "./alb.js";
import type { AwsContext } from "./context.js";

const TOPIC = "aws_sns_topic.alerts.arn";

/** The limit alarms (percent of the task's CPU or memory), from the table's memory threshold. */
const limitPercent = (a: AlertDefinition) => (a.signal === "memory" ? a.threshold * 100 : 90);

function metric(s: Service, a: AlertDefinition, behindLb: boolean): HclBody | undefined {
  const id = ident(s.name);
  const lb = {
    LoadBalancer: expr("aws_lb.main.arn_suffix"),
    TargetGroup: expr(`aws_lb_target_group.${id}.arn_suffix`),
  };
  const ecs = {
    ClusterName: expr("aws_ecs_cluster.main.name"),
    ServiceName: expr(`aws_ecs_service.${id}.name`),
  };
  const period = a.windowMinutes * 60;
  const bySignal: Record<Signal, HclBody | undefined> = {
    errors: behindLb
      ? {
          comparison_operator: "GreaterThanThreshold",
          threshold: a.threshold,
          metric_query: [
            block({ id: "ratio", expression: "errors / MAX([errors, requests])", return_data: true }),
            ...(["errors", "requests"] as const).map((q) =>
              block({
                id: q,
                metric: block({
                  namespace: "AWS/ApplicationELB",
                  metric_name: q === "errors" ? "HTTPCode_Target_5XX_Count" : "RequestCount",
                  stat: "Sum",
                  period,
                  dimensions: lb,
                }),
              }),
            ),
          ],
        }
      : undefined,
    latency: behindLb
      ? {
          comparison_operator: "GreaterThanThreshold",
          threshold: a.threshold,
          namespace: "AWS/ApplicationELB",
          metric_name: "TargetResponseTime",
          extended_statistic: "p99",
          period,
          dimensions: lb,
        }
      : undefined,
    unavailable: {
      comparison_operator: "LessThanThreshold",
      threshold: s.autoscale?.min ?? s.replicas,
      namespace: "ECS/ContainerInsights",
      metric_name: "RunningTaskCount",
      statistic: "Minimum",
      period,
      dimensions: ecs,
    },
    throttling: {
      comparison_operator: "GreaterThanThreshold",
      threshold: limitPercent(a),
      namespace: "AWS/ECS",
      metric_name: "CPUUtilization",
      statistic: "Average",
      period,
      dimensions: ecs,
    },
    memory: {
      comparison_operator: "GreaterThanThreshold",
      threshold: limitPercent(a),
      namespace: "AWS/ECS",
      metric_name: "MemoryUtilization",
      statistic: "Average",
      period,
      dimensions: ecs,
    },
    restarts: undefined,
    oom: undefined,
  };
  return bySignal[a.signal];
}

function alarm(ctx: AwsContext, s: Service, a: AlertDefinition, body: HclBody): TopBlock {
  const name = alertName(s.name, a);
  return resource("aws_cloudwatch_metric_alarm", `${ident(s.name)}_${a.signal}`, {
    alarm_name: expr(`"\${local.name_prefix}-${name}"`),
    alarm_description: `${ctx.spec.name} (${ctx.spec.environment}) ${s.name}: ${a.summary} [${a.severity}]`,
    ...body,
    evaluation_periods: Math.max(1, Math.ceil(a.forMinutes / a.windowMinutes)),
    // No data (a service scaled to zero, no traffic) is not an outage; missing tasks are, and say so.
    treat_missing_data: a.signal === "unavailable" ? "breaching" : "notBreaching",
    alarm_actions: [expr(TOPIC)],
    ok_actions: [expr(TOPIC)],
  });
}

export function renderAwsAlarms(ctx: AwsContext): void {
  if (!ctx.ecs) return;
  const services = watchedServices(ctx.spec);
  if (services.length === 0) return;
  const behindLb = new Set(publicServices(ctx).map((s) => s.name));
  const alarms: TopBlock[] = [];
  for (const s of services) {
    for (const a of ALERTS) {
      const body = metric(s, a, behindLb.has(s.name));
      if (body) alarms.push(alarm(ctx, s, a, body));
    }
  }
  ctx.m.add(
    "monitoring",
    resource("aws_sns_topic", "alerts", { name: named("alerts"), kms_master_key_id: "alias/aws/sns" }),
    ...alarms,
  );
  ctx.m.output("alerts_topic_arn", expr(TOPIC), "SNS topic the CloudWatch alarms notify: subscribe to it");
}
