/**
 * The monitoring step on a real control plane (scripts/kube-up.sh). Without
 * the Prometheus Operator's CRDs the PodMonitors and the PrometheusRule are
 * skipped with the reason and the rest of the deployment goes on; with them
 * the real server takes the objects, the next revision prunes a PodMonitor
 * it no longer renders, and a destroy removes the rest.
 *
 * The CRDs installed here are stand-ins made by this test (the operator's
 * group, versions and names, with a schema that keeps every field): they
 * show discovery, server-side apply and pruning of those kinds, not the
 * operator's own validation (src/render/kubernetes/index.test.ts checks the
 * objects against the operator's schemas from @kubernetes-models).
 */
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { failureOf, runThroughEngine } from "../src/providers/kubernetes/__fixtures__/harness.js";
import { validateSpec } from "../src/spec/validate.js";
import { useKubeCluster } from "./helpers/kube-cluster.js";
import { at, getJson, namespaceOf, objectExists, realProvider } from "./helpers/kube-real.js";

const cluster = useKubeCluster();

const spec = validateSpec({
  name: "watched",
  environment: "staging",
  target: "kubernetes",
  services: [
    { name: "web", image: "acme/web:1", port: 8080, metricsPath: "/metrics" },
    { name: "worker", kind: "worker", image: "acme/worker:1", metricsPort: 9100 },
  ],
  monitoring: { enabled: true },
});

const standInCrd = (kind: string, plural: string) => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `${plural}.monitoring.coreos.com` },
  spec: {
    group: "monitoring.coreos.com",
    names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
    scope: "Namespaced",
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
      },
    ],
  },
});

describe("the monitoring step on a real API server", () => {
  it("skips the operator's kinds on a cluster without them, applies and prunes them once the CRDs exist", {
    timeout: 240_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!kube) return ctx.skip();
    const ns = namespaceOf(spec);
    // A control plane shared by the suite (CODEPLOY_TEST_KUBECONFIG) may have them from an earlier run.
    const names = ["crd/podmonitors.monitoring.coreos.com", "crd/prometheusrules.monitoring.coreos.com"];
    await kube.kubectl(["delete", "--ignore-not-found", "--wait=true", ...names]);

    const bare = await runThroughEngine(realProvider(kube), spec);
    expect(failureOf(bare)).toBe("");
    const logs = bare.events.flatMap((e) =>
      e.type === "step-log" && e.stepId === "monitoring" ? [e.message] : [],
    );
    expect(logs).toContain(
      "PodMonitor objects skipped: the cluster does not serve monitoring.coreos.com/v1 PodMonitor",
    );
    const dashboard = await getJson(kube, "configmap", "codeploy-dashboard", ns);
    expect(at(dashboard, "metadata", "labels", "grafana_dashboard")).toBe("1");

    const crds = [standInCrd("PodMonitor", "podmonitors"), standInCrd("PrometheusRule", "prometheusrules")];
    await kube.kubectl(["apply", "-f", "-"], crds.map((c) => stringify(c)).join("---\n"));
    await kube.kubectl([
      "wait",
      "--for=condition=Established",
      "--timeout=60s",
      "crd/podmonitors.monitoring.coreos.com",
      "crd/prometheusrules.monitoring.coreos.com",
    ]);

    // A fresh provider: discovery is cached per client.
    expect(failureOf(await runThroughEngine(realProvider(kube), spec))).toBe("");
    const monitor = await getJson(kube, "podmonitors.monitoring.coreos.com", "worker", ns);
    expect(at(monitor, "spec", "podMetricsEndpoints", 0, "port")).toBe("metrics");
    const managers = (at(monitor, "metadata", "managedFields") as { manager: string }[]).map(
      (m) => m.manager,
    );
    expect(managers).toContain("codeploy");
    const rule = await getJson(kube, "prometheusrules.monitoring.coreos.com", "codeploy-alerts", ns);
    const alerts = (at(rule, "spec", "groups", 0, "rules") as { alert: string }[]).map((r) => r.alert);
    expect(alerts).toContain("WebHighErrorRatio");
    expect(alerts).toContain("WorkerMemoryNearLimit");

    // The worker stops serving metrics: its PodMonitor goes with the next revision.
    const quieter = validateSpec({
      ...spec,
      services: [spec.services[0], { name: "worker", kind: "worker", image: "acme/worker:1" }],
    });
    expect(failureOf(await runThroughEngine(realProvider(kube), quieter, spec))).toBe("");
    expect(await objectExists(kube, "podmonitors.monitoring.coreos.com", "worker", ns)).toBe(false);
    expect(await objectExists(kube, "podmonitors.monitoring.coreos.com", "web", ns)).toBe(true);

    const gone = await runThroughEngine(realProvider(kube), quieter, undefined, "destroy");
    expect(failureOf(gone)).toBe("");
    const removed = gone.events.flatMap((e) =>
      e.type === "step-log" && e.stepId === "remove-monitoring" ? [e.message] : [],
    );
    expect(removed).toContain(`deleted PrometheusRule ${ns}/codeploy-alerts`);
    expect(await objectExists(kube, "namespace", ns)).toBe(false);
    await kube.kubectl(["delete", "--ignore-not-found", ...names]);
  });
});
