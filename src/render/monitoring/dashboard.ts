/**
 * A Grafana dashboard of the app: per service, requests, error ratio and p99
 * latency (when it serves metrics), restarts, CPU and memory against the
 * limit. The same queries as the alerts (prometheus.ts), on Kubernetes'
 * labels. Data source: a variable, so the dashboard works with whichever
 * Prometheus data source Grafana has.
 */
import { createHash } from "node:crypto";
import { metricsEndpoint, watchedServices } from "../../spec/monitoring.js";
import type { DeploymentSpec } from "../../spec/schema.js";

/** Grafana's variable syntax (not a template literal): the data source chosen on the dashboard. */
const DATASOURCE = { type: "prometheus", uid: ["$", "{datasource}"].join("") } as const;

interface Panel {
  readonly title: string;
  readonly expr: string;
  readonly unit: string;
}

function panels(namespace: string, service: string, metrics: boolean): Panel[] {
  const sel = `namespace=${JSON.stringify(namespace)},container=${JSON.stringify(service)}`;
  const red: Panel[] = metrics
    ? [
        { title: "requests per second", expr: `sum(rate(http_requests_total{${sel}}[5m]))`, unit: "reqps" },
        {
          title: "5xx ratio",
          expr: `sum(rate(http_requests_total{${sel},code=~"5.."}[5m])) / sum(rate(http_requests_total{${sel}}[5m]))`,
          unit: "percentunit",
        },
        {
          title: "p99 latency",
          expr: `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[5m])))`,
          unit: "s",
        },
      ]
    : [];
  return [
    ...red,
    {
      title: "restarts (15m)",
      expr: `sum(increase(kube_pod_container_status_restarts_total{${sel}}[15m]))`,
      unit: "short",
    },
    { title: "CPU (cores)", expr: `sum(rate(container_cpu_usage_seconds_total{${sel}}[5m]))`, unit: "short" },
    {
      title: "memory / limit",
      expr: `max(max by (pod) (container_memory_working_set_bytes{${sel}}) / on (pod) max by (pod) (kube_pod_container_resource_limits{${sel},resource="memory"}))`,
      unit: "percentunit",
    },
  ];
}

/** The dashboard JSON (Grafana's schema 39 model), stable for the same spec. */
export function grafanaDashboard(spec: DeploymentSpec, namespace: string): Record<string, unknown> {
  const out: Record<string, unknown>[] = [];
  let y = 0;
  let id = 1;
  for (const s of watchedServices(spec)) {
    out.push({ id: id++, type: "row", title: s.name, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y } });
    y += 1;
    const list = panels(namespace, s.name, metricsEndpoint(s) !== undefined);
    list.forEach((p, i) => {
      out.push({
        id: id++,
        type: "timeseries",
        title: `${s.name}: ${p.title}`,
        datasource: DATASOURCE,
        fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
        gridPos: { h: 8, w: 8, x: (i % 3) * 8, y: y + Math.floor(i / 3) * 8 },
        targets: [{ refId: "A", expr: p.expr, datasource: DATASOURCE }],
      });
    });
    y += Math.ceil(list.length / 3) * 8;
  }
  return {
    uid: createHash("sha256").update(`codeploy/${namespace}`).digest("hex").slice(0, 16),
    title: `${spec.name} (${spec.environment})`,
    tags: ["codeploy", spec.name, spec.environment],
    timezone: "utc",
    schemaVersion: 39,
    time: { from: "now-6h", to: "now" },
    templating: {
      list: [{ name: "datasource", type: "datasource", query: "prometheus", label: "Prometheus" }],
    },
    panels: out,
  };
}
