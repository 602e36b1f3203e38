import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { validateSpec } from "../../spec/validate.js";
import { renderKubernetes } from "../kubernetes/index.js";
import { renderHelmChart } from "./index.js";

const spec = validateSpec({
  name: "shop",
  environment: "dev",
  target: "kubernetes",
  services: [
    {
      name: "web-api",
      image: "acme/web:1.2",
      port: 8080,
      replicas: 2,
      domain: "shop.example.com",
      env: { LOG_LEVEL: "info", STRIPE_KEY: "secret:stripe-key" },
      resources: { cpu: "250m", memory: "256Mi" },
      dependsOn: ["postgres"],
    },
    { name: "report", kind: "cron", image: "acme/report:1", schedule: "0 3 * * *" },
  ],
  databases: [{ name: "postgres", engine: "postgres", version: "16" }],
});
const options = { secretSeed: "helm-test", secrets: { "stripe-key": "sk_test_123" } };
const file = (path: string) =>
  renderHelmChart(spec, options).files.find((f) => f.path === path)?.content ?? "";

describe("helm chart renderer", () => {
  it("has one template per object of the kubernetes target, a Chart.yaml and values.yaml, and the same bytes every time", () => {
    const chart = renderHelmChart(spec, options);
    const objects = renderKubernetes(spec, options).kubernetes ?? [];
    const templates = chart.files.filter((f) => f.path.startsWith("templates/")).map((f) => f.path);
    expect(templates).toHaveLength(objects.length);
    expect(templates).toContain("templates/deployment-web-api.yaml");
    expect(templates).toContain("templates/cronjob-report.yaml");
    expect(parse(file("Chart.yaml"))).toMatchObject({ apiVersion: "v2", name: "shop", version: "0.1.0" });
    expect(renderHelmChart(spec, options).files).toEqual(chart.files);
    // No placeholder left behind.
    for (const f of chart.files) expect(f.content, f.path).not.toMatch(/HELM(VALUE|BLOCK)\d+X/);
    // Secrets keep their owner-only treatment.
    expect(chart.files.filter((f) => f.sensitive).map((f) => f.path)).toEqual(
      chart.files.filter((f) => f.path.startsWith("templates/secret-")).map((f) => f.path),
    );
  });

  it("values.yaml exposes image, replicas, resources, domain and plain env per service; secret references stay out of it", () => {
    const values = parse(file("values.yaml"));
    expect(values.namespace).toEqual({ create: false });
    expect(values.services["web-api"]).toEqual({
      image: "acme/web:1.2",
      replicas: 2,
      resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "250m", memory: "256Mi" } },
      domain: "shop.example.com",
      // The connection contract's plain parts are values too; the password and URL stay secret references.
      env: {
        DATABASE_HOST: "postgres",
        DATABASE_NAME: "shop",
        DATABASE_PORT: "5432",
        DATABASE_USER: "app",
        LOG_LEVEL: "info",
      },
    });
    expect(values.services.report).toMatchObject({ image: "acme/report:1", domain: "" });
    expect(file("values.yaml")).not.toContain("sk_test_123");
  });

  it("templates read the values through index (service names hold dashes) and the release namespace", () => {
    const deployment = file("templates/deployment-web-api.yaml");
    expect(deployment).toContain("namespace: {{ .Release.Namespace }}");
    expect(deployment).toContain('image: {{ (index .Values.services "web-api").image | quote }}');
    expect(deployment).toContain('replicas: {{ (index .Values.services "web-api").replicas }}');
    expect(deployment).toMatch(
      /resources:\n\{\{- toYaml \(index \.Values\.services "web-api"\)\.resources \| nindent 12 \}\}/,
    );
    expect(deployment).toContain(
      'value: {{ index (index .Values.services "web-api").env "LOG_LEVEL" | toString | quote }}',
    );
    expect(deployment).toContain('- {"name":"STRIPE_KEY","valueFrom":{"secretKeyRef":');
    expect(file("templates/ingress-web-api.yaml")).toContain(
      'host: {{ (index .Values.services "web-api").domain | quote }}',
    );
    // The namespace's name is the renderer's business (spec/naming.ts): found by kind.
    const nsFile = renderHelmChart(spec, options).files.find((f) =>
      f.path.startsWith("templates/namespace-"),
    );
    const namespace = nsFile?.content ?? "";
    expect(namespace.startsWith("{{- if .Values.namespace.create }}\n")).toBe(true);
    expect(namespace).toContain("name: {{ .Release.Namespace }}");
  });
});

describe("monitoring objects in the chart", () => {
  it("installs the Prometheus Operator's kinds only where the cluster serves them", () => {
    const chart = renderHelmChart(
      validateSpec({
        name: "watched",
        environment: "production",
        target: "kubernetes",
        services: [
          { name: "web", image: "ghcr.io/acme/web:1", port: 8080, metricsPath: "/metrics", replicas: 2 },
        ],
      }),
    );
    const file = (path: string) => chart.files.find((f) => f.path === path)?.content ?? "";
    expect(file("templates/podmonitor-web.yaml")).toMatch(
      /^\{\{- if \.Capabilities\.APIVersions\.Has "monitoring\.coreos\.com\/v1\/PodMonitor" \}\}\n/,
    );
    expect(file("templates/prometheusrule-codeploy-alerts.yaml")).toContain(
      '.Capabilities.APIVersions.Has "monitoring.coreos.com/v1/PrometheusRule"',
    );
    expect(file("templates/configmap-codeploy-dashboard.yaml")).not.toContain("Capabilities");
  });
});
