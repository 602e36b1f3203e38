/**
 * The alerts of `monitoring.enabled`, defined once for every target (the
 * renderers write them, the plan counts them): which
 * signals are watched, their thresholds and windows. The Prometheus rules
 * (kubernetes, docker), CloudWatch alarms, Cloud Monitoring alert policies
 * and Azure Monitor metric alerts are all written from this table, so one
 * threshold change reaches every target.
 *
 * RED alerts (errors, latency) need the service's own metrics: on
 * Kubernetes and Docker a service that serves Prometheus metrics (the
 * conventional `http_requests_total{code}` counter and
 * `http_request_duration_seconds` histogram); on the clouds the load
 * balancer's or platform's request metrics of public web services.
 * Workload alerts (restarts, OOM kills, unavailable replicas, CPU
 * throttling, memory near its limit) need only the platform's metrics
 * (kube-state-metrics and cAdvisor on Kubernetes, the container platform's
 * own on the clouds).
 */
import { imageRepository } from "./images.js";
import type { DeploymentSpec, Service } from "./schema.js";

export type Signal = "errors" | "latency" | "restarts" | "oom" | "unavailable" | "throttling" | "memory";
export type AlertSeverity = "critical" | "warning";

export interface AlertDefinition {
  /** Alert name, PascalCase (Prometheus `alert:`), unique per service once prefixed. */
  readonly name: string;
  readonly signal: Signal;
  readonly severity: AlertSeverity;
  /** Compared with `>`: a ratio (0..1), seconds, or a count. */
  readonly threshold: number;
  /** The window of the rate or increase, in minutes. */
  readonly windowMinutes: number;
  /** How long the condition must hold before it fires, in minutes. */
  readonly forMinutes: number;
  /** `red`: needs the service's request metrics; `workload`: the platform's. */
  readonly needs: "red" | "workload";
  readonly summary: string;
}

export const ALERTS: readonly AlertDefinition[] = [
  {
    name: "HighErrorRatio",
    signal: "errors",
    severity: "critical",
    threshold: 0.05,
    windowMinutes: 5,
    forMinutes: 5,
    needs: "red",
    summary: "more than 5% of requests fail with a 5xx answer",
  },
  {
    name: "HighLatencyP99",
    signal: "latency",
    severity: "warning",
    threshold: 1,
    windowMinutes: 5,
    forMinutes: 10,
    needs: "red",
    summary: "the 99th percentile of request latency is above 1 s",
  },
  {
    name: "Restarting",
    signal: "restarts",
    severity: "warning",
    threshold: 3,
    windowMinutes: 15,
    forMinutes: 0,
    needs: "workload",
    summary: "containers restarted more than 3 times in 15 minutes",
  },
  {
    name: "OOMKilled",
    signal: "oom",
    severity: "warning",
    threshold: 0,
    windowMinutes: 15,
    forMinutes: 0,
    needs: "workload",
    summary: "a container was killed for using more memory than its limit",
  },
  {
    name: "ReplicasUnavailable",
    signal: "unavailable",
    severity: "critical",
    threshold: 0,
    windowMinutes: 5,
    forMinutes: 10,
    needs: "workload",
    summary: "replicas have been unavailable for 10 minutes",
  },
  {
    name: "CpuThrottled",
    signal: "throttling",
    severity: "warning",
    threshold: 0.25,
    windowMinutes: 5,
    forMinutes: 15,
    needs: "workload",
    summary: "more than 25% of CPU periods are throttled at the CPU limit",
  },
  {
    name: "MemoryNearLimit",
    signal: "memory",
    severity: "warning",
    threshold: 0.9,
    windowMinutes: 5,
    forMinutes: 10,
    needs: "workload",
    summary: "memory in use is above 90% of the limit",
  },
];

export interface MetricsEndpoint {
  readonly port: number;
  readonly path: string;
  /** Where it came from, for comments: the spec, or the image's known default. */
  readonly source: "spec" | "image";
}

/**
 * Images that serve Prometheus metrics without being configured to, and where:
 * Grafana (grafana.com/docs/grafana/latest/setup-grafana/set-up-grafana-monitoring/: /metrics on its
 * HTTP port), Prometheus and Alertmanager (their own /metrics, prometheus.io/docs/prometheus/latest/getting_started/).
 */
const KNOWN_METRICS: Readonly<Record<string, { port: number; path: string }>> = {
  "grafana/grafana": { port: 3000, path: "/metrics" },
  "grafana/grafana-oss": { port: 3000, path: "/metrics" },
  "prom/prometheus": { port: 9090, path: "/metrics" },
  "prom/alertmanager": { port: 9093, path: "/metrics" },
  "quay.io/prometheus/prometheus": { port: 9090, path: "/metrics" },
};

/** Where a service serves its metrics, or undefined when it serves none that CODE knows of. */
export function metricsEndpoint(s: Service): MetricsEndpoint | undefined {
  if (s.kind === "cron") return undefined;
  if (s.metricsPath !== undefined || s.metricsPort !== undefined) {
    const port = s.metricsPort ?? s.port;
    if (port === undefined) return undefined;
    return { port, path: s.metricsPath ?? "/metrics", source: "spec" };
  }
  const known = s.image === undefined ? undefined : KNOWN_METRICS[imageRepository(s.image)];
  if (!known) return undefined;
  return { port: s.port ?? known.port, path: known.path, source: "image" };
}

/** Long-running services: the ones workload alerts watch (cron jobs come and go by design). */
export function watchedServices(spec: DeploymentSpec): Service[] {
  return spec.monitoring.enabled ? spec.services.filter((s) => s.kind !== "cron") : [];
}

/** The alerts that apply to a service: RED ones only for a web service with metrics. */
export function alertsFor(s: Service, hasRequestMetrics: boolean): AlertDefinition[] {
  return ALERTS.filter((a) => a.needs === "workload" || (hasRequestMetrics && s.kind === "web"));
}

/** `web` + HighErrorRatio -> `WebHighErrorRatio`: one alert name per service and signal. */
export function alertName(service: string, a: AlertDefinition): string {
  const camel = service
    .split("-")
    .map((p) => (p.length > 0 ? `${p[0]?.toUpperCase()}${p.slice(1)}` : ""))
    .join("");
  return `${camel}${a.name}`;
}

/** Docker has no kube-state-metrics or cAdvisor: the request alerts and `up` of each scraped service. */
export const DOCKER_SIGNALS: readonly Signal[] = ["errors", "latency", "unavailable"];

/** The signals each cloud's container platform publishes a metric (or log) for; the rest have none there. */
export const CLOUD_SIGNALS: Readonly<Record<"aws" | "gcp" | "azure", readonly Signal[]>> = {
  aws: ["errors", "latency", "unavailable", "throttling", "memory"],
  gcp: ["errors", "latency", "oom", "throttling", "memory"],
  azure: ["errors", "restarts", "unavailable", "throttling", "memory"],
};

/** How many Prometheus alert rules the spec gets on a platform (the renderers write exactly these). */
export function prometheusAlertCount(spec: DeploymentSpec, platform: "kubernetes" | "docker"): number {
  return watchedServices(spec)
    .filter((s) => platform === "kubernetes" || metricsEndpoint(s))
    .flatMap((s) => alertsFor(s, metricsEndpoint(s) !== undefined))
    .filter((a) => platform === "kubernetes" || DOCKER_SIGNALS.includes(a.signal)).length;
}
