import { describe, expect, it } from "vitest";
import { validateSpec } from "../../spec/validate.js";
import { all, at, containerOf, find } from "./__fixtures__/objects.js";
import { renderKubernetes } from "./index.js";

const spec = (monitoring: boolean) =>
  validateSpec({
    name: "shop",
    environment: "staging",
    target: "kubernetes",
    services: [
      { name: "api", image: "ghcr.io/acme/api:1", port: 8080, metricsPath: "/prom" },
      { name: "worker", kind: "worker", image: "ghcr.io/acme/worker:1", metricsPort: 9100 },
      { name: "grafana", image: "grafana/grafana:11.2.0", port: 3000 },
      { name: "plain", image: "ghcr.io/acme/plain:1", port: 8081 },
    ],
    monitoring: { enabled: monitoring },
  });

describe("monitoring on kubernetes", () => {
  const on = renderKubernetes(spec(true), { kubernetes: { prometheusNamespace: "observability" } });

  it("scrapes each service that serves metrics with a PodMonitor: the spec's path and port, or the image's own", () => {
    expect(all(on, "PodMonitor").map((o) => o.metadata.name)).toEqual(["api", "worker", "grafana"]);
    expect(at(find(on, "PodMonitor", "api"), "spec", "podMetricsEndpoints")).toEqual([
      { port: "http", path: "/prom", interval: "30s" },
    ]);
    // Metrics on a port of their own: the container declares it, named for the PodMonitor.
    expect(at(find(on, "PodMonitor", "worker"), "spec", "podMetricsEndpoints", 0, "port")).toBe("metrics");
    expect(containerOf(find(on, "Deployment", "worker"))?.ports).toEqual([
      { name: "metrics", containerPort: 9100, protocol: "TCP" },
    ]);
    expect(at(find(on, "PodMonitor", "grafana"), "spec", "podMetricsEndpoints", 0, "path")).toBe("/metrics");
    expect(at(find(on, "PodMonitor", "api"), "spec", "selector", "matchLabels")).toEqual(
      at(find(on, "Deployment", "api"), "spec", "selector", "matchLabels"),
    );
  });

  it("lets only Prometheus's namespace reach the metrics ports through the NetworkPolicies", () => {
    const rules = at(find(on, "NetworkPolicy", "allow-worker"), "spec", "ingress") as unknown[];
    expect(rules).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "observability" } } }],
      ports: [{ protocol: "TCP", port: 9100 }],
    });
    expect(JSON.stringify(find(on, "NetworkPolicy", "allow-plain"))).not.toContain("observability");
  });

  it("writes one PrometheusRule (RED alerts only where metrics exist) and a dashboard Grafana's sidecar loads", () => {
    const rule = find(on, "PrometheusRule", "codeploy-alerts");
    const alerts = (at(rule, "spec", "groups", 0, "rules") as { alert: string }[]).map((r) => r.alert);
    expect(alerts).toContain("ApiHighErrorRatio");
    expect(alerts).toContain("GrafanaHighLatencyP99");
    expect(alerts).not.toContain("PlainHighErrorRatio");
    expect(alerts).not.toContain("WorkerHighErrorRatio");
    for (const s of ["Api", "Worker", "Grafana", "Plain"])
      for (const a of ["Restarting", "OOMKilled", "ReplicasUnavailable", "CpuThrottled", "MemoryNearLimit"])
        expect(alerts).toContain(`${s}${a}`);
    const dashboard = find(on, "ConfigMap", "codeploy-dashboard");
    expect(dashboard?.metadata.labels?.grafana_dashboard).toBe("1");
    const json = JSON.parse(Object.values(at(dashboard, "data") as Record<string, string>)[0] ?? "{}");
    expect(json.title).toBe("shop (staging)");
    expect(
      json.panels.filter((p: { type: string }) => p.type === "row").map((p: { title: string }) => p.title),
    ).toEqual(["api", "worker", "grafana", "plain"]);
  });

  it("renders nothing of it with monitoring off", () => {
    const off = renderKubernetes(spec(false));
    for (const kind of ["PodMonitor", "PrometheusRule", "ConfigMap"]) expect(all(off, kind)).toEqual([]);
    expect(containerOf(find(off, "Deployment", "worker"))?.ports).toBeUndefined();
  });
});
