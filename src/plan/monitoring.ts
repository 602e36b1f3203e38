/**
 * What `monitoring.enabled` creates on the spec's target, in words, for the
 * plan's monitoring step: the plan lists exactly what the renderers write.
 */
import { CLOUD_SIGNALS, metricsEndpoint, prometheusAlertCount, watchedServices } from "../spec/monitoring.js";
import type { DeploymentSpec } from "../spec/schema.js";

const list = (names: readonly string[]) => (names.length === 0 ? "none" : names.join(", "));

export function monitoringSummary(spec: DeploymentSpec): string {
  const watched = watchedServices(spec);
  const scraped = watched.filter((s) => metricsEndpoint(s)).map((s) => s.name);
  if (spec.target === "kubernetes") {
    const rules = prometheusAlertCount(spec, "kubernetes");
    return `PodMonitors for ${list(scraped)}, PrometheusRule codeploy-alerts (${rules} alerts), Grafana dashboard ConfigMap codeploy-dashboard`;
  }
  if (spec.target === "docker") {
    const rules = prometheusAlertCount(spec, "docker");
    const service = spec.monitoring.prometheus === true ? ", Prometheus service codeploy-prometheus" : "";
    return `prometheus.yml scraping ${list(scraped)}, prometheus-rules.yml (${rules} alerts)${service}`;
  }
  if (spec.cloud === "local") return "nothing: a local terraform module has no monitoring service";
  const what = {
    aws: "CloudWatch alarms",
    gcp: "Cloud Monitoring alert policies",
    azure: "Azure Monitor metric alerts",
  }[spec.cloud];
  return `${what} on ${CLOUD_SIGNALS[spec.cloud].join(", ")} for ${list(watched.map((s) => s.name))}`;
}

/** What the monitoring objects depend on: when it changes between revisions, the monitoring step updates. */
export function monitoringInputs(spec: DeploymentSpec): string {
  return JSON.stringify([
    spec.target,
    spec.cloud,
    spec.monitoring,
    watchedServices(spec).map((s) => [
      s.name,
      s.kind,
      metricsEndpoint(s),
      s.replicas,
      s.autoscale?.min,
      s.public,
    ]),
  ]);
}
