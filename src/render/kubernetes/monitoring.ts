/**
 * `monitoring.enabled` on Kubernetes, for the Prometheus Operator
 * (kube-prometheus-stack): a PodMonitor per service that serves metrics, one
 * PrometheusRule with the shared alerts (spec/monitoring.ts), and a
 * Grafana dashboard in a ConfigMap labelled `grafana_dashboard: "1"`, which
 * Grafana's dashboard sidecar loads. PodMonitors select pods directly, so a
 * worker without a Service is scraped too.
 */
import type { IConfigMap } from "kubernetes-models/v1";
import { metricsEndpoint, watchedServices } from "../../spec/monitoring.js";
import { grafanaDashboard } from "../monitoring/dashboard.js";
import { ruleGroups } from "../monitoring/prometheus.js";
import type { KubeObject } from "../types.js";
import { type KubeContext, meta, selectorLabels } from "./labels.js";
import { portName } from "./workloads.js";

/** The component label of the app-wide monitoring objects. */
export const MONITORING_COMPONENT = "codeploy-monitoring";

/** Name of the container port a PodMonitor scrapes: the service's own, or `metrics` when it is another. */
export function metricsPortName(s: Parameters<typeof portName>[0]): string | undefined {
  const m = metricsEndpoint(s);
  if (!m) return undefined;
  return m.port === s.port ? portName(s) : "metrics";
}

export function monitoringObjects(ctx: KubeContext): KubeObject[] {
  if (!ctx.spec.monitoring.enabled) return [];
  const out: KubeObject[] = [];
  for (const s of watchedServices(ctx.spec)) {
    const m = metricsEndpoint(s);
    const port = metricsPortName(s);
    if (!m || !port) continue;
    out.push({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PodMonitor",
      metadata: meta(ctx, s.name, s.name, s.kind),
      spec: {
        selector: { matchLabels: selectorLabels(ctx, s.name) },
        podMetricsEndpoints: [{ port, path: m.path, interval: "30s" }],
      },
    });
  }
  const groups = ruleGroups(ctx.spec, { kind: "kubernetes", namespace: ctx.namespace });
  if (groups.length > 0) {
    out.push({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
      metadata: meta(ctx, "codeploy-alerts", MONITORING_COMPONENT, "monitoring"),
      spec: { groups },
    });
  }
  const base = meta(ctx, "codeploy-dashboard", MONITORING_COMPONENT, "monitoring");
  out.push({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { ...base, labels: { ...base.labels, grafana_dashboard: "1" } },
    data: {
      [`${ctx.namespace}.json`]: `${JSON.stringify(grafanaDashboard(ctx.spec, ctx.namespace), null, 2)}\n`,
    },
  } satisfies IConfigMap);
  return out;
}
