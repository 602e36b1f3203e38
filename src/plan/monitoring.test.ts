import { describe, expect, it } from "vitest";
import { renderDocker } from "../render/docker/index.js";
import { renderKubernetes } from "../render/kubernetes/index.js";
import { renderTerraform } from "../render/terraform/index.js";
import { CLOUD_SIGNALS } from "../spec/monitoring.js";
import { validateSpec } from "../spec/validate.js";
import { buildPlan } from "./build.js";

const spec = (target: string, cloud = "local", extra: Record<string, unknown> = {}) =>
  validateSpec({
    name: "shop",
    environment: "production",
    target,
    cloud,
    services: [
      { name: "web", image: "ghcr.io/acme/web:1", port: 8080, metricsPath: "/metrics", replicas: 2 },
      { name: "worker", kind: "worker", image: "ghcr.io/acme/worker:1", replicas: 2 },
    ],
    monitoring: { enabled: true, prometheus: true },
    ...extra,
  });
const step = (s: ReturnType<typeof spec>, previous?: ReturnType<typeof spec>) =>
  buildPlan(s, previous).steps.find((x) => x.kind === "monitoring");

describe("the plan's monitoring step lists what the renderers write", () => {
  it("kubernetes: the PodMonitors, the rule with its alert count, the dashboard", () => {
    const s = spec("kubernetes");
    const objects = renderKubernetes(s).kubernetes ?? [];
    const rules = objects.find((o) => o.kind === "PrometheusRule")?.spec as {
      groups: { rules: unknown[] }[];
    };
    const monitors = objects.filter((o) => o.kind === "PodMonitor").map((o) => o.metadata.name);
    expect(monitors).toEqual(["web"]);
    expect(step(s)?.description).toContain(
      `PodMonitors for web, PrometheusRule codeploy-alerts (${rules.groups[0]?.rules.length} alerts)`,
    );
    expect(step(s)?.description).toContain("Grafana dashboard ConfigMap codeploy-dashboard");
  });

  it("docker: the two files and the Prometheus service, all rendered", () => {
    const s = spec("docker");
    const result = renderDocker(s);
    expect(result.files.map((f) => f.path)).toEqual(
      expect.arrayContaining(["prometheus.yml", "prometheus-rules.yml"]),
    );
    expect(Object.keys((result.compose?.services ?? {}) as object)).toContain("codeploy-prometheus");
    expect(step(s)?.description).toMatch(
      /prometheus\.yml scraping web, prometheus-rules\.yml \(\d+ alerts\), Prometheus service codeploy-prometheus/,
    );
  });

  it.each(["aws", "gcp", "azure"] as const)(
    "%s: the alarms on the signals the cloud has, as rendered",
    (cloud) => {
      const s = spec("terraform", cloud);
      const rendered = (renderTerraform(s).terraform ?? [])
        .filter((b) => /alarm|alert_policy|metric_alert$/.test(b.labels[0] ?? ""))
        .map((b) => b.labels[1] ?? "");
      const signals = new Set(rendered.map((n) => n.split("_").at(-1)));
      expect([...signals].sort()).toEqual([...CLOUD_SIGNALS[cloud]].sort());
      expect(step(s)?.description).toContain(`on ${CLOUD_SIGNALS[cloud].join(", ")} for web, worker`);
    },
  );

  it("updates when what it watches changes, and is a no-op otherwise", () => {
    const before = spec("kubernetes");
    expect(step(before, before)?.action).toBe("noop");
    const more = spec("kubernetes", "local", {
      services: [
        ...before.services,
        { name: "api", image: "ghcr.io/acme/api:1", port: 9000, metricsPort: 9100 },
      ],
    });
    expect(step(more, before)?.action).toBe("update");
    expect(step(before)?.action).toBe("create");
  });
});
