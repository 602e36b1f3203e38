/**
 * Prometheus alerting rules from the shared alert table (alerts.ts), for a
 * platform's label scheme: on Kubernetes the series carry `namespace` and
 * `container` (the Prometheus Operator's pod targets, kube-state-metrics and
 * cAdvisor all do; codeploy names the container after the service), on
 * Docker the scrape job is the service's name. Plain data: the renderers
 * write it as a PrometheusRule or as a rules file.
 */

import {
  type AlertDefinition,
  alertName,
  alertsFor,
  metricsEndpoint,
  type Signal,
  watchedServices,
} from "../../spec/monitoring.js";
import type { DeploymentSpec } from "../../spec/schema.js";

export type RulePlatform =
  | { readonly kind: "kubernetes"; readonly namespace: string }
  | { readonly kind: "docker" };

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

/** A PromQL string literal: label values come from the spec (kebab-case), quoted all the same. */
const q = (value: string) => JSON.stringify(value);

function selector(platform: RulePlatform, service: string): string {
  return platform.kind === "kubernetes"
    ? `namespace=${q(platform.namespace)},container=${q(service)}`
    : `job=${q(service)}`;
}

/** The PromQL of one signal for one service; undefined when the platform has no source for it. */
function expression(a: AlertDefinition, platform: RulePlatform, service: string): string | undefined {
  const sel = selector(platform, service);
  const w = `${a.windowMinutes}m`;
  const byKind: Record<Signal, string | undefined> = {
    errors: `sum(rate(http_requests_total{${sel},code=~"5.."}[${w}])) / sum(rate(http_requests_total{${sel}}[${w}])) > ${a.threshold}`,
    latency: `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[${w}]))) > ${a.threshold}`,
    unavailable:
      platform.kind === "kubernetes"
        ? `max(kube_deployment_status_replicas_unavailable{namespace=${q(platform.namespace)},deployment=${q(service)}}) > ${a.threshold}`
        : `count(up{${sel}} == 0) > ${a.threshold}`,
    restarts:
      platform.kind === "kubernetes"
        ? `sum(increase(kube_pod_container_status_restarts_total{${sel}}[${w}])) > ${a.threshold}`
        : undefined,
    oom:
      platform.kind === "kubernetes"
        ? `(max by (pod) (kube_pod_container_status_last_terminated_reason{${sel},reason="OOMKilled"}) * on (pod) max by (pod) (increase(kube_pod_container_status_restarts_total{${sel}}[${w}]))) > ${a.threshold}`
        : undefined,
    throttling:
      platform.kind === "kubernetes"
        ? `sum(rate(container_cpu_cfs_throttled_periods_total{${sel}}[${w}])) / sum(rate(container_cpu_cfs_periods_total{${sel}}[${w}])) > ${a.threshold}`
        : undefined,
    memory:
      platform.kind === "kubernetes"
        ? `max(max by (pod) (container_memory_working_set_bytes{${sel}}) / on (pod) max by (pod) (kube_pod_container_resource_limits{${sel},resource="memory"})) > ${a.threshold}`
        : undefined,
  };
  return byKind[a.signal];
}

/**
 * The services whose rules are written: on Kubernetes every long-running one (workload alerts need
 * no app metrics); on Docker only those Prometheus scrapes (no other source of container signals).
 */
export function ruledServices(spec: DeploymentSpec, platform: RulePlatform) {
  return watchedServices(spec).filter((s) => platform.kind === "kubernetes" || metricsEndpoint(s));
}

export function alertRules(spec: DeploymentSpec, platform: RulePlatform): AlertRule[] {
  const rules: AlertRule[] = [];
  for (const s of ruledServices(spec, platform)) {
    const metrics = metricsEndpoint(s) !== undefined;
    // On Docker, `up` of the scrape job is the one availability signal: it needs the scrape too.
    for (const a of alertsFor(s, metrics)) {
      const expr = expression(a, platform, s.name);
      if (expr === undefined) continue;
      rules.push({
        alert: alertName(s.name, a),
        expr,
        ...(a.forMinutes > 0 ? { for: `${a.forMinutes}m` } : {}),
        labels: {
          severity: a.severity,
          signal: a.signal,
          app: spec.name,
          environment: spec.environment,
          service: s.name,
        },
        annotations: {
          summary: `${spec.name} (${spec.environment}) ${s.name}: ${a.summary}`,
          description: `${a.signal} of ${s.name} is above ${a.threshold}${a.forMinutes > 0 ? ` for ${a.forMinutes} minutes` : ""}; the alert's value is the measure.`,
        },
      });
    }
  }
  return rules;
}

export function ruleGroups(spec: DeploymentSpec, platform: RulePlatform): RuleGroup[] {
  const rules = alertRules(spec, platform);
  return rules.length === 0 ? [] : [{ name: `codeploy-${spec.name}-${spec.environment}`, rules }];
}
