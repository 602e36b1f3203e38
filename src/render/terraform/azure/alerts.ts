/**
 * `monitoring.enabled` on Container Apps: Azure Monitor metric alerts per
 * container app from the shared alert table (spec/monitoring.ts),
 * sent to one action group (add its receivers: e-mail, webhook...).
 *
 * Signal -> metric of Microsoft.App/containerApps: 5xx answers (Requests by
 * statusCodeCategory; a metric alert cannot divide, so it counts them),
 * RestartCount, Replicas below the minimum, CpuPercentage and
 * MemoryPercentage of the limits. No latency or OOM-kill metric is published
 * for container apps.
 */

import {
  ALERTS,
  type AlertDefinition,
  alertName,
  type Signal,
  watchedServices,
} from "../../../spec/monitoring.js";
import type { Service } from "../../../spec/schema.js";
import { ident, resource } from "../common.js";
import { block, expr, type HclBlock, type TopBlock } from "../hcl.js";
import { type AzureContext, PLACE } from "./context.js";

/** Azure's allowed window sizes, in minutes. */
const WINDOWS = [1, 5, 15, 30, 60];
const window = (minutes: number) => `PT${WINDOWS.find((w) => w >= minutes) ?? 60}M`;

/** 5xx answers in the window above which the error alert fires (a count: Azure cannot take the ratio). */
const ERROR_COUNT = 10;

function criteria(s: Service, a: AlertDefinition): HclBlock | undefined {
  const c = (
    metric_name: string,
    aggregation: string,
    operator: string,
    threshold: number,
    dimension?: HclBlock,
  ) =>
    block({
      metric_namespace: "Microsoft.App/containerApps",
      metric_name,
      aggregation,
      operator,
      threshold,
      dimension,
    });
  const bySignal: Record<Signal, HclBlock | undefined> = {
    errors:
      s.kind === "web"
        ? c(
            "Requests",
            "Total",
            "GreaterThan",
            ERROR_COUNT,
            block({ name: "statusCodeCategory", operator: "Include", values: ["5xx"] }),
          )
        : undefined,
    restarts: c("RestartCount", "Total", "GreaterThan", a.threshold),
    unavailable: c("Replicas", "Minimum", "LessThan", s.autoscale?.min ?? s.replicas),
    throttling: c("CpuPercentage", "Average", "GreaterThan", 90),
    memory: c("MemoryPercentage", "Average", "GreaterThan", a.threshold * 100),
    latency: undefined,
    oom: undefined,
  };
  return bySignal[a.signal];
}

export function renderAzureAlerts(ctx: AzureContext): void {
  if (ctx.aks) return;
  const services = watchedServices(ctx.spec);
  if (services.length === 0) return;
  const alerts: TopBlock[] = [];
  for (const s of services) {
    for (const a of ALERTS) {
      const crit = criteria(s, a);
      if (!crit) continue;
      alerts.push(
        resource("azurerm_monitor_metric_alert", `${ident(s.name)}_${a.signal}`, {
          name: expr(`"\${local.name_prefix}-${alertName(s.name, a)}"`),
          resource_group_name: PLACE.resource_group_name,
          scopes: [expr(`azurerm_container_app.${ident(s.name)}.id`)],
          description: `${ctx.spec.name} (${ctx.spec.environment}) ${s.name}: ${a.summary}`,
          severity: a.severity === "critical" ? 1 : 2,
          frequency: "PT1M",
          window_size: window(Math.max(a.windowMinutes, a.forMinutes)),
          criteria: crit,
          action: block({ action_group_id: expr("azurerm_monitor_action_group.alerts.id") }),
        }),
      );
    }
  }
  ctx.m.add(
    "monitoring",
    resource("azurerm_monitor_action_group", "alerts", {
      name: expr(`"ag-\${local.name_prefix}"`),
      resource_group_name: PLACE.resource_group_name,
      short_name: "codeploy",
    }),
    ...alerts,
  );
  ctx.m.output(
    "alerts_action_group_id",
    expr("azurerm_monitor_action_group.alerts.id"),
    "Action group the metric alerts notify: add its receivers",
  );
}
