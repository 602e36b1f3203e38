/**
 * `monitoring.enabled` on Cloud Run: Cloud Monitoring alert policies per
 * service from the shared alert table (spec/monitoring.ts), sent to
 * the notification channels in `var.alert_notification_channels`.
 *
 * Signal -> metric: errors as the ratio of 5xx to all requests
 * (run.googleapis.com/request_count), p99 of request_latencies, CPU and
 * memory utilisation of the containers near their limits (Cloud Run
 * throttles at the CPU limit), and OOM kills from the revision's log ("Memory
 * limit ... exceeded"). Cloud Run has no restart or replica availability
 * metric for services: it replaces failed instances on requests.
 */

import {
  ALERTS,
  type AlertDefinition,
  alertName,
  type Signal,
  watchedServices,
} from "../../../spec/monitoring.js";
import type { Service } from "../../../spec/schema.js";
import { ident, resource, variableBlock } from "../common.js";
import { block, call, expr, type HclBlock, type HclValue, type TopBlock } from "../hcl.js";
import type { GcpContext } from "./context.js";

/** A filter on the Cloud Run service, its name taken from the resource (format() fills it in). */
function filter(s: Service, rest: string): HclValue {
  return call(
    "format",
    `resource.type = "cloud_run_revision" AND resource.labels.service_name = "%s" AND ${rest}`,
    expr(`google_cloud_run_v2_service.${ident(s.name)}.name`),
  );
}

const seconds = (minutes: number) => `${minutes * 60}s`;

function threshold(
  s: Service,
  a: AlertDefinition,
  body: Record<string, HclValue | HclBlock | HclBlock[]>,
): HclBlock {
  return block({
    condition_threshold: block({
      comparison: "COMPARISON_GT",
      duration: seconds(a.forMinutes),
      ...body,
    }),
    display_name: `${s.name}: ${a.summary}`,
  });
}

function percentile(s: Service, a: AlertDefinition, metric: string, value: number): HclBlock {
  return threshold(s, a, {
    filter: filter(s, `metric.type = "${metric}"`),
    threshold_value: value,
    aggregations: block({
      alignment_period: seconds(a.windowMinutes),
      per_series_aligner: "ALIGN_PERCENTILE_99",
      cross_series_reducer: "REDUCE_MAX",
    }),
  });
}

function condition(s: Service, a: AlertDefinition): HclBlock | undefined {
  const rate = block({
    alignment_period: seconds(a.windowMinutes),
    per_series_aligner: "ALIGN_RATE",
    cross_series_reducer: "REDUCE_SUM",
  });
  const requests = 'metric.type = "run.googleapis.com/request_count"';
  const bySignal: Record<Signal, HclBlock | undefined> = {
    errors:
      s.kind === "web"
        ? threshold(s, a, {
            filter: filter(s, `${requests} AND metric.labels.response_code_class = "5xx"`),
            denominator_filter: filter(s, requests),
            threshold_value: a.threshold,
            aggregations: rate,
            denominator_aggregations: rate,
          })
        : undefined,
    // Milliseconds in Cloud Monitoring.
    latency:
      s.kind === "web"
        ? percentile(s, a, "run.googleapis.com/request_latencies", a.threshold * 1000)
        : undefined,
    throttling: percentile(s, a, "run.googleapis.com/container/cpu/utilizations", 0.9),
    memory: percentile(s, a, "run.googleapis.com/container/memory/utilizations", a.threshold),
    oom: block({
      condition_matched_log: block({ filter: filter(s, 'textPayload:"Memory limit"') }),
      display_name: `${s.name}: ${a.summary}`,
    }),
    restarts: undefined,
    unavailable: undefined,
  };
  return bySignal[a.signal];
}

export function renderGcpAlerts(ctx: GcpContext): void {
  if (ctx.gke) return;
  const services = watchedServices(ctx.spec);
  if (services.length === 0) return;
  ctx.apis.add("monitoring.googleapis.com");
  ctx.m.variable(
    variableBlock("alert_notification_channels", {
      type: "list(string)",
      description:
        "Cloud Monitoring notification channel ids the alert policies notify (none: alerts show in the console only)",
      default: [],
    }),
  );
  const policies: TopBlock[] = [];
  for (const s of services) {
    for (const a of ALERTS) {
      const c = condition(s, a);
      if (!c) continue;
      policies.push(
        resource("google_monitoring_alert_policy", `${ident(s.name)}_${a.signal}`, {
          display_name: expr(`"\${local.name_prefix} ${alertName(s.name, a)}"`),
          combiner: "OR",
          severity: a.severity === "critical" ? "CRITICAL" : "WARNING",
          conditions: c,
          notification_channels: expr("var.alert_notification_channels"),
          // A log match alerts once per event: Cloud Monitoring requires a rate limit for it.
          alert_strategy:
            a.signal === "oom"
              ? block({ notification_rate_limit: block({ period: seconds(a.windowMinutes) }) })
              : undefined,
          documentation: block({
            content: `${ctx.spec.name} (${ctx.spec.environment}) ${s.name}: ${a.summary}.`,
            mime_type: "text/markdown",
          }),
        }),
      );
    }
  }
  ctx.m.add("monitoring", ...policies);
}
