/**
 * The alert rules and scrape configuration of `monitoring.enabled`, held
 * against Prometheus's own promtool (Debian's prometheus package, installed
 * by .ci/run): `check rules` and `check config` accept the rendered files,
 * and `test rules` feeds them series, in which each alert must fire for the
 * unhealthy service with the labels routing needs, and stay silent for the
 * healthy one.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { renderDocker } from "../src/render/docker/index.js";
import { renderKubernetes } from "../src/render/kubernetes/index.js";
import { validateSpec } from "../src/spec/validate.js";

const promtool = spawnSync("promtool", ["--version"]).status === 0;
if (!promtool && process.env.CI) throw new Error("promtool is missing: apt-get install prometheus");

const spec = (target: "kubernetes" | "docker") =>
  validateSpec({
    name: "shop",
    environment: "production",
    target,
    services: [
      {
        name: "web",
        image: "ghcr.io/acme/web:1.2.3",
        port: 8080,
        metricsPath: "/internal/metrics",
        metricsPort: 9102,
        autoscale: { min: 2, max: 6 },
      },
      { name: "worker", kind: "worker", image: "ghcr.io/acme/worker:1.2.3", replicas: 2 },
      { name: "report", kind: "cron", image: "ghcr.io/acme/report:1", schedule: "0 3 * * *" },
    ],
    monitoring: { enabled: true, prometheus: true },
  });

function run(args: readonly string[], cwd: string) {
  const r = spawnSync("promtool", [...args], { cwd, encoding: "utf8" });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

type Rule = { alert: string; labels: Record<string, string>; annotations: Record<string, string> };
type Groups = { groups: { name: string; rules: Rule[] }[] };

/** One alert_rule_test: fires with exactly `labels` (the rule's labels plus the series' own), or not at all. */
function expectation(groups: Groups, alert: string, at: string, extra: Record<string, string> | false) {
  const rule = groups.groups.flatMap((g) => g.rules).find((r) => r.alert === alert);
  if (!rule) throw new Error(`no rule ${alert}`);
  return {
    eval_time: at,
    alertname: alert,
    exp_alerts:
      extra === false
        ? []
        : [{ exp_labels: { ...rule.labels, ...extra }, exp_annotations: rule.annotations }],
  };
}

describe.skipIf(!promtool)("kubernetes: the PrometheusRule under promtool", () => {
  const rendered = renderKubernetes(spec("kubernetes")).kubernetes ?? [];
  const rule = rendered.find((o) => o.kind === "PrometheusRule");
  const ns = rendered.find((o) => o.kind === "Namespace")?.metadata.name ?? "";
  const groups = rule?.spec as Groups;

  it("passes promtool check rules", () => {
    const dir = mkdtempSync(join(tmpdir(), "codeploy-rules-"));
    writeFileSync(join(dir, "rules.yml"), stringify(groups));
    const check = run(["check", "rules", "rules.yml"], dir);
    expect(check.out).toMatch(/SUCCESS: \d+ rules found/);
    expect(check.status).toBe(0);
  });

  it("fires each alert for the unhealthy web and none for the healthy worker (promtool test rules)", () => {
    const dir = mkdtempSync(join(tmpdir(), "codeploy-rules-test-"));
    writeFileSync(join(dir, "rules.yml"), stringify(groups));
    const web = `namespace="${ns}",container="web"`;
    const worker = `namespace="${ns}",container="worker"`;
    const series = (name: string, labels: string, values: string) => ({
      series: `${name}{${labels}}`,
      values,
    });
    const tests = {
      rule_files: ["rules.yml"],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: [
            // web: 10 of 110 requests a minute fail; most answers take 1-5 s.
            series("http_requests_total", `${web},code="200"`, "0+100x40"),
            series("http_requests_total", `${web},code="500"`, "0+10x40"),
            series("http_request_duration_seconds_bucket", `${web},le="0.5"`, "0+5x40"),
            series("http_request_duration_seconds_bucket", `${web},le="1"`, "0+10x40"),
            series("http_request_duration_seconds_bucket", `${web},le="5"`, "0+110x40"),
            series("http_request_duration_seconds_bucket", `${web},le="+Inf"`, "0+110x40"),
            // web: restarts every minute, last killed for memory, throttled half the time, at 95% of its memory.
            series("kube_pod_container_status_restarts_total", `${web},pod="web-1"`, "0+1x40"),
            series(
              "kube_pod_container_status_last_terminated_reason",
              `${web},pod="web-1",reason="OOMKilled"`,
              "1x40",
            ),
            series(
              "kube_deployment_status_replicas_unavailable",
              `namespace="${ns}",deployment="web"`,
              "1x40",
            ),
            series("container_cpu_cfs_periods_total", `${web},pod="web-1"`, "0+100x40"),
            series("container_cpu_cfs_throttled_periods_total", `${web},pod="web-1"`, "0+50x40"),
            series("container_memory_working_set_bytes", `${web},pod="web-1"`, "950x40"),
            series("kube_pod_container_resource_limits", `${web},pod="web-1",resource="memory"`, "1000x40"),
            // worker: healthy on every signal.
            series("kube_pod_container_status_restarts_total", `${worker},pod="worker-1"`, "3x40"),
            series(
              "kube_pod_container_status_last_terminated_reason",
              `${worker},pod="worker-1",reason="OOMKilled"`,
              "1x40",
            ),
            series(
              "kube_deployment_status_replicas_unavailable",
              `namespace="${ns}",deployment="worker"`,
              "0x40",
            ),
            series("container_cpu_cfs_periods_total", `${worker},pod="worker-1"`, "0+100x40"),
            series("container_cpu_cfs_throttled_periods_total", `${worker},pod="worker-1"`, "0+1x40"),
            series("container_memory_working_set_bytes", `${worker},pod="worker-1"`, "500x40"),
            series(
              "kube_pod_container_resource_limits",
              `${worker},pod="worker-1",resource="memory"`,
              "1000x40",
            ),
          ],
          alert_rule_test: [
            expectation(groups, "WebHighErrorRatio", "15m", {}),
            expectation(groups, "WebHighLatencyP99", "20m", {}),
            expectation(groups, "WebRestarting", "16m", {}),
            expectation(groups, "WebOOMKilled", "16m", { pod: "web-1" }),
            expectation(groups, "WebReplicasUnavailable", "15m", {}),
            expectation(groups, "WebCpuThrottled", "25m", {}),
            expectation(groups, "WebMemoryNearLimit", "20m", {}),
            // Not yet: the condition has held for less than its `for`.
            expectation(groups, "WebReplicasUnavailable", "5m", false),
            // The worker: an old OOM kill without a recent restart is history, not an alert.
            ...["Restarting", "OOMKilled", "ReplicasUnavailable", "CpuThrottled", "MemoryNearLimit"].map(
              (a) => expectation(groups, `Worker${a}`, "30m", false),
            ),
          ],
        },
      ],
    };
    writeFileSync(join(dir, "tests.yml"), stringify(tests));
    const result = run(["test", "rules", "tests.yml"], dir);
    expect(result.out).toContain("SUCCESS");
    expect(result.status).toBe(0);
    // The worker has no request metrics: no RED alerts are written for it.
    const names = groups.groups.flatMap((g) => g.rules.map((r) => r.alert));
    expect(names).not.toContain("WorkerHighErrorRatio");
    expect(names.filter((n) => n.startsWith("Report"))).toEqual([]);
  });
});

describe.skipIf(!promtool)("docker: prometheus.yml and prometheus-rules.yml under promtool", () => {
  const files = renderDocker(spec("docker")).files;
  const dir = mkdtempSync(join(tmpdir(), "codeploy-prom-docker-"));
  for (const f of files) writeFileSync(join(dir, f.path), f.content);

  it("passes promtool check config (which also checks the rules file it names)", () => {
    const check = run(["check", "config", "prometheus.yml"], dir);
    expect(check.out).toContain("SUCCESS");
    expect(check.out).toMatch(/prometheus-rules\.yml/);
    expect(check.status).toBe(0);
    const config = parse(files.find((f) => f.path === "prometheus.yml")?.content ?? "");
    expect(config.scrape_configs[1]).toMatchObject({
      job_name: "web",
      metrics_path: "/internal/metrics",
      dns_sd_configs: [{ names: ["web"], type: "A", port: 9102 }],
    });
  });

  it("fires on 5xx answers and on a replica that stopped answering scrapes (promtool test rules)", () => {
    const groups = parse(files.find((f) => f.path === "prometheus-rules.yml")?.content ?? "") as Groups;
    const tests = {
      rule_files: ["prometheus-rules.yml"],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: [
            {
              series: 'http_requests_total{job="web",instance="10.0.0.2:9102",code="200"}',
              values: "0+100x30",
            },
            {
              series: 'http_requests_total{job="web",instance="10.0.0.2:9102",code="503"}',
              values: "0+20x30",
            },
            { series: 'up{job="web",instance="10.0.0.2:9102"}', values: "1x30" },
            { series: 'up{job="web",instance="10.0.0.3:9102"}', values: "1x5 0x25" },
          ],
          alert_rule_test: [
            expectation(groups, "WebHighErrorRatio", "15m", {}),
            expectation(groups, "WebReplicasUnavailable", "10m", false),
            expectation(groups, "WebReplicasUnavailable", "20m", {}),
          ],
        },
      ],
    };
    writeFileSync(join(dir, "tests.yml"), stringify(tests));
    const result = run(["test", "rules", "tests.yml"], dir);
    expect(result.out).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });
});
