import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildDestroyPlan, buildPlan } from "../../plan/build.js";
import { richSpec } from "../../render/kubernetes/__fixtures__/specs.js";
import { renderKubernetes } from "../../render/kubernetes/index.js";
import { namespaceName } from "../../spec/naming.js";
import { validateSpec } from "../../spec/validate.js";
import { componentSelector, inNamespace, isTeardown, objectsForStep } from "./objects.js";
import { podProblem, readiness } from "./rollout.js";

const spec = richSpec();
const rendered = renderKubernetes(spec).kubernetes ?? [];
const plan = buildPlan(spec);
const names = (id: string) => {
  const step = plan.steps.find((s) => s.id === id);
  if (!step) throw new Error(`no step ${id}`);
  return objectsForStep(step, spec, rendered).objects.map((o) => `${o.kind}/${o.metadata.name}`);
};

describe("objects of a plan step", () => {
  it("gives every rendered object to some step", () => {
    const owned = new Set(plan.steps.flatMap((s) => names(s.id)));
    expect(rendered.map((o) => `${o.kind}/${o.metadata.name}`).filter((n) => !owned.has(n))).toEqual([]);
  });

  it("maps network, secrets, data, bucket, service and ingress steps to their objects, in apply order", () => {
    expect(names("network")).toEqual([
      `Namespace/${namespaceName({ app: "shop", environment: "production" })}`,
      "NetworkPolicy/codeploy-default-deny",
      "NetworkPolicy/codeploy-allow-dns",
    ]);
    expect(names("secrets")).toEqual(
      rendered.filter((o) => o.kind === "Secret").map((o) => `Secret/${o.metadata.name}`),
    );
    expect(names("cache:redis")).toEqual([
      "Secret/redis-credentials",
      "NetworkPolicy/allow-web",
      "NetworkPolicy/allow-redis",
      "Service/redis",
      "StatefulSet/redis",
    ]);
    expect(names("bucket:uploads")).toEqual([
      "Secret/minio-credentials",
      "NetworkPolicy/allow-minio",
      "NetworkPolicy/allow-minio-buckets",
      "Service/minio",
      "StatefulSet/minio",
      "Job/minio-buckets",
    ]);
    expect(names("service:web")).toEqual([
      "NetworkPolicy/allow-web",
      "NetworkPolicy/allow-postgres",
      "NetworkPolicy/allow-redis",
      "Service/web",
      "Deployment/web",
      "HorizontalPodAutoscaler/web",
      "PodDisruptionBudget/web",
    ]);
    expect(names("service:report")).toEqual([
      "NetworkPolicy/allow-report",
      "NetworkPolicy/allow-postgres",
      "CronJob/report",
    ]);
    expect(names("ingress:web")).toEqual(["Ingress/web"]);
    // The spec is production (monitoring on): no service serves metrics, so no PodMonitor; rules and dashboard.
    expect(names("monitoring")).toEqual(["ConfigMap/codeploy-dashboard", "PrometheusRule/codeploy-alerts"]);
  });

  it("moves objects into an overriding namespace and renames the Namespace", () => {
    const moved = inNamespace(rendered, "team-a");
    expect(moved.find((o) => o.kind === "Namespace")?.metadata.name).toBe("team-a");
    expect(new Set(moved.filter((o) => o.kind !== "Namespace").map((o) => o.metadata.namespace))).toEqual(
      new Set(["team-a"]),
    );
    expect(inNamespace(rendered, undefined)).toEqual(rendered);
  });

  it("tells a destroy (the spec still has the component) from a removal", () => {
    const destroy = buildDestroyPlan(spec).steps.find((s) => s.id === "remove-service:web");
    const smaller = validateSpec({ ...spec, services: spec.services.filter((s) => s.name !== "worker") });
    const removal = buildPlan(smaller, spec).steps.find((s) => s.id === "remove-service:worker");
    if (!destroy || !removal) throw new Error("missing steps");
    expect(isTeardown(destroy, spec)).toBe(true);
    expect(isTeardown(removal, smaller)).toBe(false);
  });

  it("selects by app, environment and component labels", () => {
    expect(componentSelector("shop", "production", ["minio-buckets", "minio"])).toBe(
      "app.kubernetes.io/managed-by=codeploy,app.kubernetes.io/part-of=shop,codeploy.dev/environment=production,app.kubernetes.io/name in (minio,minio-buckets)",
    );
  });
});

describe("rollout readiness (the rules of kubectl rollout status)", () => {
  const deployment = (status: Record<string, unknown>, generation = 2) => ({
    kind: "Deployment",
    metadata: { name: "web", generation },
    spec: { replicas: 3 },
    status,
  });

  it("waits for the new generation, updated replicas, old ones to go, and availability", () => {
    expect(readiness(deployment({ observedGeneration: 1 }))?.state).toBe("waiting");
    expect(readiness(deployment({ observedGeneration: 2, updatedReplicas: 1, replicas: 3 }))?.summary).toBe(
      "1 of 3 replicas updated",
    );
    expect(
      readiness(deployment({ observedGeneration: 2, updatedReplicas: 3, replicas: 4, availableReplicas: 3 }))
        ?.summary,
    ).toBe("1 old replicas pending termination");
    expect(
      readiness(deployment({ observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 2 }))
        ?.summary,
    ).toBe("2 of 3 updated replicas available");
    expect(
      readiness(deployment({ observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 3 }))
        ?.state,
    ).toBe("ready");
  });

  it("fails at once when the Deployment's progress deadline passed", () => {
    const stuck = deployment({
      observedGeneration: 2,
      conditions: [
        {
          type: "Progressing",
          status: "False",
          reason: "ProgressDeadlineExceeded",
          message: 'ReplicaSet "web-1" has timed out progressing.',
        },
      ],
    });
    expect(readiness(stuck)).toEqual({
      state: "failed",
      summary: 'progress deadline exceeded: ReplicaSet "web-1" has timed out progressing.',
    });
  });

  it("waits for a StatefulSet's update revision, and does not wait for kinds without a rollout", () => {
    const sts = (status: Record<string, unknown>) => ({
      kind: "StatefulSet",
      metadata: { name: "db", generation: 1 },
      spec: { replicas: 1 },
      status: { observedGeneration: 1, readyReplicas: 1, ...status },
    });
    expect(
      readiness(sts({ currentRevision: "db-1", updateRevision: "db-2", updatedReplicas: 0 }))?.state,
    ).toBe("waiting");
    expect(readiness(sts({ currentRevision: "db-2", updateRevision: "db-2" }))?.state).toBe("ready");
    expect(readiness({ kind: "Service", metadata: { name: "web" } })).toBeUndefined();
  });

  it("explains a stuck pod by its container's waiting reason", () => {
    const pod = (name: string, state: Record<string, unknown>, ready = false) => ({
      kind: "Pod",
      metadata: { name },
      status: { containerStatuses: [{ ready, state, lastState: { terminated: { reason: "Error" } } }] },
    });
    expect(
      podProblem([
        pod("web-0", { running: {} }, true),
        pod("web-1", { waiting: { reason: "CrashLoopBackOff", message: "back-off 10s restarting" } }),
      ]),
    ).toBe("pod web-1: CrashLoopBackOff: back-off 10s restarting (last exit: Error)");
    expect(podProblem([])).toBeUndefined();
  });
});

describe("start-up cost", () => {
  it("loads @kubernetes/client-node only on first use: no file of the provider imports it eagerly", () => {
    const dir = dirname(fileURLToPath(import.meta.url));
    const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
    expect(files).toContain("kubeconfig.ts");
    const eager = files.filter((f) =>
      /^import\s+(?!type\b)[^;]*from\s+"@kubernetes\/client-node"/m.test(readFileSync(join(dir, f), "utf8")),
    );
    expect(eager).toEqual([]);
    expect(readFileSync(join(dir, "kubeconfig.ts"), "utf8")).toContain('import("@kubernetes/client-node")');
  });
});
