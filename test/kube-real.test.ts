/**
 * The kubernetes provider against a real control plane (scripts/kube-up.sh:
 * etcd, kube-apiserver, kube-controller-manager, kube-scheduler of one
 * Kubernetes release, and kwok in place of kubelets). What a fake cannot show:
 * server-side apply as the real server merges it, validation of every kind
 * codeploy renders, ReplicaSets and pods made by the real controllers, pruning,
 * and namespace deletion through the real namespace controller.
 * Pod Security and failed rollouts: kube-real-failures.test.ts.
 */
import { describe, expect, it } from "vitest";
import {
  contextFor,
  failureOf,
  render,
  runThroughEngine,
  stepOf,
  v1,
  v2,
} from "../src/providers/kubernetes/__fixtures__/harness.js";
import type { DeploymentSpec } from "../src/spec/schema.js";
import { validateSpec } from "../src/spec/validate.js";
import { useKubeCluster } from "./helpers/kube-cluster.js";
import { at, getJson, imageOf, namespaceOf, objectExists, realProvider } from "./helpers/kube-real.js";

const cluster = useKubeCluster();

/** Every kind codeploy renders: the shop of the provider's tests plus a CronJob. */
const full: DeploymentSpec = validateSpec({
  ...v1,
  name: "realshop",
  services: [...v1.services, { name: "report", kind: "cron", image: "acme/report:1", schedule: "0 3 * * *" }],
});
const fullV2 = validateSpec({
  ...full,
  services: full.services.map((s, i) => (i === 0 ? v2.services[0] : s)),
});

describe("kubernetes provider against a real API server", () => {
  it("server-side applies every rendered kind as field manager codeploy; real validation accepts them all and the controllers make them ready", {
    timeout: 180_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!kube) return ctx.skip();
    const provider = realProvider(kube);
    const run = await runThroughEngine(provider, full);
    expect(failureOf(run)).toBe("");
    const ns = namespaceOf(full);
    const rendered = render(full).kubernetes ?? [];
    const kinds = new Set(rendered.map((o) => o.kind));
    for (const k of ["NetworkPolicy", "Ingress", "Secret", "HorizontalPodAutoscaler", "CronJob"])
      expect(kinds, k).toContain(k);
    for (const k of ["PodDisruptionBudget", "StatefulSet", "Job", "Deployment", "Service"])
      expect(kinds, k).toContain(k);
    for (const o of rendered) {
      const live = await getJson(kube, o.kind, o.metadata.name, o.metadata.namespace);
      const managers =
        (at(live, "metadata", "managedFields") as { manager: string; operation: string }[]) ?? [];
      expect(managers, `${o.kind} ${o.metadata.name}`).toContainEqual(
        expect.objectContaining({ manager: "codeploy", operation: "Apply" }),
      );
    }
    // The real Deployment controller made a ReplicaSet, the scheduler placed its pods, kwok made them ready.
    expect(at(await getJson(kube, "deployment", "web", ns), "status", "availableReplicas")).toBe(2);
    const pods = (await getJson(kube, "pods", "", ns, ["-l", "app.kubernetes.io/name=web"]))
      .items as unknown[];
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(at(p, "metadata", "ownerReferences", 0, "kind")).toBe("ReplicaSet");
      expect(at(p, "spec", "nodeName")).toBe("kwok-node-0");
    }
    // The StatefulSet controller made the volume claim from the template.
    expect(at(await getJson(kube, "statefulset", "postgres", ns), "status", "readyReplicas")).toBe(1);
    expect(await objectExists(kube, "pvc", "data-postgres-0", ns)).toBe(true);
    const job = await getJson(kube, "job", "minio-buckets", ns);
    expect(at(job, "status", "succeeded")).toBe(1);
    expect(at(await getJson(kube, "hpa", "web", ns), "apiVersion")).toBe("autoscaling/v2");
  });

  it("a second apply of the same revision is a no-op on the server: no new generation, no new apply time", {
    timeout: 180_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!kube) return ctx.skip();
    const provider = realProvider(kube);
    const rendered = render(full).kubernetes ?? [];
    const snapshot = async () => {
      const out: string[] = [];
      for (const o of rendered) {
        const live = await getJson(kube, o.kind, o.metadata.name, o.metadata.namespace);
        const ours = (at(live, "metadata", "managedFields") as { manager: string; time: string }[]).find(
          (m) => m.manager === "codeploy",
        );
        // Objects no controller writes to keep their resourceVersion; the others their generation.
        const stable = ["Secret", "Service", "NetworkPolicy", "Ingress", "Namespace"].includes(o.kind);
        const version = stable ? at(live, "metadata", "resourceVersion") : at(live, "metadata", "generation");
        out.push(`${o.kind}/${o.metadata.name}: ${String(version)} ${ours?.time}`);
      }
      return out;
    };
    const before = await snapshot();
    // Apply times have a resolution of one second: make a new one visible.
    await new Promise((r) => setTimeout(r, 1_100));
    const again = await runThroughEngine(provider, full);
    expect(failureOf(again)).toBe("");
    expect(await snapshot()).toEqual(before);
  });

  it("a field another manager took is a real conflict for it, and codeploy's forced apply takes it back", {
    timeout: 180_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!kube) return ctx.skip();
    const ns = namespaceOf(full);
    const patch = JSON.stringify({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: ns },
      spec: { template: { spec: { containers: [{ name: "web", image: "acme/web:hotfix" }] } } },
    });
    const apply = ["apply", "--server-side", "--field-manager=ops", "-f", "-"];
    // The real server refuses to let ops take a field codeploy owns without forcing.
    await expect(kube.kubectl(apply, patch)).rejects.toThrow(/conflict with "codeploy"/);
    await kube.kubectl([...apply, "--force-conflicts"], patch);
    const image = () => imageOf(kube, "web", ns);
    expect(await image()).toBe("acme/web:hotfix");
    const provider = realProvider(kube);
    await provider.apply(stepOf(full, "service:web"), contextFor(full));
    expect(await image()).toBe("acme/web:1");
    const fieldsOf = async (manager: string) =>
      JSON.stringify(
        (
          at(await getJson(kube, "deployment", "web", ns), "metadata", "managedFields") as {
            manager: string;
            fieldsV1?: unknown;
          }[]
        ).find((m) => m.manager === manager)?.fieldsV1 ?? {},
      );
    expect(await fieldsOf("codeploy")).toContain('"f:image"');
    expect(await fieldsOf("ops")).not.toContain('"f:image"');
  });

  it("a new image rolls out through a new ReplicaSet of the real controller before the step ends", {
    timeout: 180_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!kube) return ctx.skip();
    const ns = namespaceOf(full);
    const run = await runThroughEngine(realProvider(kube), fullV2, full);
    expect(failureOf(run)).toBe("");
    const web = await getJson(kube, "deployment", "web", ns);
    expect(at(web, "status", "observedGeneration")).toBe(at(web, "metadata", "generation"));
    const sets = (await getJson(kube, "rs", "", ns, ["-l", "app.kubernetes.io/name=web"])).items as unknown[];
    const byImage = new Map(
      sets.map((rs) => [at(rs, "spec", "template", "spec", "containers", 0, "image"), rs]),
    );
    expect(at(byImage.get("acme/web:2"), "status", "readyReplicas")).toBe(2);
    expect(at(byImage.get("acme/web:1"), "spec", "replicas")).toBe(0);
    const logs = run.events.flatMap((e) => (e.type === "step-log" ? [e.message] : []));
    expect(logs).toContain(`Deployment ${ns}/web: 2 of 2 replicas available`);
  });

  it("prunes what the new revision dropped, then destroy deletes the namespace through the namespace controller", {
    timeout: 180_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!kube) return ctx.skip();
    const ns = namespaceOf(full);
    const smaller = validateSpec({
      ...fullV2,
      services: [{ ...fullV2.services[0], autoscale: undefined, replicas: 1, domain: undefined }],
    });
    const run = await runThroughEngine(realProvider(kube), smaller, fullV2);
    expect(failureOf(run)).toBe("");
    expect(await objectExists(kube, "hpa", "web", ns)).toBe(false);
    expect(await objectExists(kube, "pdb", "web", ns)).toBe(false);
    expect(await objectExists(kube, "ingress", "web", ns)).toBe(false);
    expect(await objectExists(kube, "deployment", "worker", ns)).toBe(false);
    expect(await objectExists(kube, "cronjob", "report", ns)).toBe(false);
    expect(at(await getJson(kube, "deployment", "web", ns), "status", "availableReplicas")).toBe(1);
    const gone = await runThroughEngine(realProvider(kube), smaller, undefined, "destroy");
    expect(failureOf(gone)).toBe("");
    expect(await objectExists(kube, "namespace", ns)).toBe(false);
  });
});
