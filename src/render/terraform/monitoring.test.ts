import { describe, expect, it } from "vitest";
import { renderTerraform } from "./index.js";
import { FRANKFURT, findBlock, fixtureSpec, nested, resourceTypes } from "./test-io.js";

/** rich-prod on a cloud's container platform: web (public, autoscaled 3..12), worker (2), report (cron). */
const on = (cloud: "aws" | "gcp" | "azure", monitoring = true) =>
  renderTerraform(
    fixtureSpec("rich-prod", {
      cloud,
      region: FRANKFURT[cloud],
      target: "terraform",
      monitoring: { enabled: monitoring },
    }),
  );
const named = (result: ReturnType<typeof on>, type: string) =>
  (result.terraform ?? [])
    .filter((b) => b.blockType === "resource" && b.labels[0] === type)
    .map((b) => b.labels[1]);

describe("monitoring on the clouds: the shared alerts as each cloud's alarms", () => {
  it("aws: CloudWatch alarms on the target group (5xx ratio, p99) and the ECS service, to an encrypted SNS topic", () => {
    const result = on("aws");
    expect(named(result, "aws_cloudwatch_metric_alarm").sort()).toEqual([
      "web_errors",
      "web_latency",
      "web_memory",
      "web_throttling",
      "web_unavailable",
      "worker_memory",
      "worker_throttling",
      "worker_unavailable",
    ]);
    const errors = findBlock(result, "aws_cloudwatch_metric_alarm", "web_errors").body;
    expect(errors).toMatchObject({ comparison_operator: "GreaterThanThreshold", threshold: 0.05 });
    const queries = errors.metric_query as { body: Record<string, unknown> }[];
    expect(queries.map((q) => q.body.id)).toEqual(["ratio", "errors", "requests"]);
    expect(nested(queries[1]?.body ?? {}, "metric")).toMatchObject({
      namespace: "AWS/ApplicationELB",
      metric_name: "HTTPCode_Target_5XX_Count",
      dimensions: { TargetGroup: { code: "aws_lb_target_group.web.arn_suffix" } },
    });
    expect(findBlock(result, "aws_cloudwatch_metric_alarm", "web_latency").body).toMatchObject({
      extended_statistic: "p99",
      threshold: 1,
      evaluation_periods: 2,
    });
    // Fewer running tasks than the autoscaler's minimum, missing data included.
    expect(findBlock(result, "aws_cloudwatch_metric_alarm", "web_unavailable").body).toMatchObject({
      comparison_operator: "LessThanThreshold",
      threshold: 3,
      metric_name: "RunningTaskCount",
      treat_missing_data: "breaching",
      alarm_actions: [{ code: "aws_sns_topic.alerts.arn" }],
    });
    expect(findBlock(result, "aws_sns_topic", "alerts").body.kms_master_key_id).toBe("alias/aws/sns");
  });

  it("gcp: alert policies on Cloud Run's request, latency, utilisation metrics and OOM log lines", () => {
    const result = on("gcp");
    expect(named(result, "google_monitoring_alert_policy").sort()).toEqual([
      "web_errors",
      "web_latency",
      "web_memory",
      "web_oom",
      "web_throttling",
      "worker_memory",
      "worker_oom",
      "worker_throttling",
    ]);
    const errors = nested(
      nested(findBlock(result, "google_monitoring_alert_policy", "web_errors").body, "conditions"),
      "condition_threshold",
    );
    expect(errors).toMatchObject({ comparison: "COMPARISON_GT", threshold_value: 0.05, duration: "300s" });
    expect(JSON.stringify(errors.filter)).toContain('response_code_class = \\"5xx\\"');
    expect(JSON.stringify(errors.denominator_filter)).not.toContain("5xx");
    expect(JSON.stringify(errors.filter)).toContain("google_cloud_run_v2_service.web.name");
    const latency = nested(
      nested(findBlock(result, "google_monitoring_alert_policy", "web_latency").body, "conditions"),
      "condition_threshold",
    );
    expect(latency.threshold_value).toBe(1000);
    expect(findBlock(result, "google_monitoring_alert_policy", "web_oom").body.alert_strategy).toBeDefined();
  });

  it("azure: metric alerts on the container apps, to one action group", () => {
    const result = on("azure");
    expect(named(result, "azurerm_monitor_metric_alert").sort()).toEqual([
      "web_errors",
      "web_memory",
      "web_restarts",
      "web_throttling",
      "web_unavailable",
      "worker_memory",
      "worker_restarts",
      "worker_throttling",
      "worker_unavailable",
    ]);
    const restarts = findBlock(result, "azurerm_monitor_metric_alert", "web_restarts").body;
    expect(restarts).toMatchObject({
      scopes: [{ code: "azurerm_container_app.web.id" }],
      window_size: "PT15M",
    });
    expect(nested(restarts, "criteria")).toMatchObject({
      metric_namespace: "Microsoft.App/containerApps",
      metric_name: "RestartCount",
      operator: "GreaterThan",
      threshold: 3,
    });
    expect(
      nested(findBlock(result, "azurerm_monitor_metric_alert", "worker_unavailable").body, "criteria"),
    ).toMatchObject({
      metric_name: "Replicas",
      operator: "LessThan",
      threshold: 2,
    });
  });

  it("renders no alarms with monitoring off, nor for a cluster target (the in-cluster rules cover it)", () => {
    for (const cloud of ["aws", "gcp", "azure"] as const) {
      const types = resourceTypes(on(cloud, false));
      for (const t of [
        "aws_cloudwatch_metric_alarm",
        "google_monitoring_alert_policy",
        "azurerm_monitor_metric_alert",
      ])
        expect(types).not.toContain(t);
      const cluster = renderTerraform(fixtureSpec("rich-prod", { cloud, region: FRANKFURT[cloud] }));
      expect(resourceTypes(cluster).filter((t) => /alarm|alert_policy|metric_alert/.test(t))).toEqual([]);
    }
  });
});
