import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type FakeKubeApiServer,
  type JsonObject,
  startFakeKubeApiServer,
} from "../../../test/helpers/fake-kube-apiserver.js";
import { type DeployDeps, deploy, destroyEnvironment } from "../../engine/deploy.js";
import { hashArtifacts } from "../../render/index.js";
import { validateSpec } from "../../spec/validate.js";
import { openStateStore } from "../../state/index.js";
import type { StateStore } from "../../state/types.js";
import {
  contextFor,
  failureOf,
  NS,
  providerFor,
  render,
  runThroughEngine,
  stepOf,
  v1,
  v2,
} from "./__fixtures__/harness.js";

let fake: FakeKubeApiServer;
beforeEach(async () => {
  fake = await startFakeKubeApiServer();
});
afterEach(async () => {
  await fake.close();
});

type Fields = Record<string, unknown>;
const at = (o: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>(
    (cur, k) => (typeof cur === "object" && cur !== null ? (cur as Fields)[k] : undefined),
    o,
  );
const meta = (o: JsonObject | undefined) => (o?.metadata ?? {}) as Fields;
const patches = () => fake.requests.filter((r) => r.method === "PATCH");
const patchIndex = (fragment: string) => patches().findIndex((r) => r.path.endsWith(fragment));

describe("kubernetes provider against a fake API server: apply", () => {
  it("creates every rendered object with field manager codeploy, in dependency order, and waits for rollouts", async () => {
    const run = await runThroughEngine(providerFor(fake.kubeconfigPath), v1);
    expect(failureOf(run)).toBe("");
    expect(run.result.outcome).toBe("succeeded");
    const rendered = render(v1).kubernetes ?? [];
    for (const o of rendered) {
      const live = fake.get(o.kind, o.metadata.namespace, o.metadata.name);
      expect(live, `${o.kind} ${o.metadata.name}`).toBeDefined();
      expect(at(live, "metadata", "managedFields", 0)).toMatchObject({
        manager: "codeploy",
        operation: "Apply",
      });
    }
    expect(fake.objects().length).toBe(rendered.length);
    for (const r of patches()) {
      expect(r.contentType).toBe("application/apply-patch+yaml");
      const handover = r.path.endsWith("/deployments/web") && r.query.fieldManager === "codeploy-replicas";
      expect(r.query).toMatchObject({
        fieldManager: handover ? "codeploy-replicas" : "codeploy",
        force: "true",
      });
    }
    expect(patches().filter((r) => r.query.fieldManager === "codeploy-replicas")).toHaveLength(1);
    // The autoscaled web: codeploy owns everything but replicas, which a second manager holds for the HPA.
    const webFields = at(fake.get("Deployment", NS, "web"), "metadata", "managedFields") as Fields[];
    expect(webFields.map((m) => m.manager).sort()).toEqual(["codeploy", "codeploy-replicas"]);
    expect(JSON.stringify(webFields.find((m) => m.manager === "codeploy")?.fieldsV1)).not.toContain(
      "f:replicas",
    );
    // The Namespace comes first, data before the services that use it, the bucket Job after MinIO.
    expect(patchIndex(`/namespaces/${NS}`)).toBe(0);
    expect(patchIndex("/statefulsets/postgres")).toBeLessThan(patchIndex("/deployments/web"));
    expect(patchIndex("/statefulsets/minio")).toBeLessThan(patchIndex("/jobs/minio-buckets"));
    expect(patchIndex("/deployments/web")).toBeLessThan(patchIndex("/ingresses/web"));
    // Waited: every workload reports ready by the time the run ends.
    expect(at(fake.get("Deployment", NS, "web"), "status", "availableReplicas")).toBe(2);
    expect(at(fake.get("StatefulSet", NS, "postgres"), "status", "readyReplicas")).toBe(1);
    expect(at(fake.get("Job", NS, "minio-buckets"), "status", "succeeded")).toBe(1);
    const logs = run.events.flatMap((e) => (e.type === "step-log" ? [e.message] : []));
    expect(logs).toContain(`Deployment ${NS}/web: 2 of 2 replicas available`);
    // Connections are kept alive: one TLS handshake per request would be far slower.
    expect(fake.connections).toBeLessThan(fake.requests.length / 4);
  });

  it("sends the manifests exactly as rendered: NetworkPolicy peers (`from`) and Secret data survive", async () => {
    await runThroughEngine(providerFor(fake.kubeconfigPath), v1);
    const rendered = render(v1).kubernetes ?? [];
    for (const o of rendered.filter((x) => x.kind === "NetworkPolicy" || x.kind === "Secret")) {
      const live = fake.get(o.kind, NS, o.metadata.name);
      expect(at(live, "spec"), o.metadata.name).toEqual(o.spec);
      expect(at(live, "data"), o.metadata.name).toEqual(o.data);
    }
    expect(at(fake.get("NetworkPolicy", NS, "allow-postgres"), "spec", "ingress", 0, "from")).toHaveLength(2);
  });

  it("re-applying the same revision bumps neither generation nor resourceVersion", async () => {
    const provider = providerFor(fake.kubeconfigPath);
    await runThroughEngine(provider, v1);
    const snapshot = () =>
      fake
        .objects()
        .filter((o) => !["Namespace"].includes(String(o.kind)))
        .map((o) => `${o.kind}/${meta(o).name}: g${meta(o).generation} rv${meta(o).resourceVersion}`)
        .sort();
    // No pending status writes: the run waited for every workload to be ready, the controllers' last write.
    const before = snapshot();
    const again = await runThroughEngine(provider, v1);
    expect(again.result.outcome).toBe("succeeded");
    expect(snapshot()).toEqual(before);
    expect(before.find((s) => s.startsWith("Deployment/web"))).toMatch(/: g1 /);
  });

  it("a new image bumps the generation and the step waits for that generation to roll out", async () => {
    const provider = providerFor(fake.kubeconfigPath);
    await runThroughEngine(provider, v1);
    const run = await runThroughEngine(provider, v2, v1);
    expect(failureOf(run)).toBe("");
    const web = fake.get("Deployment", NS, "web");
    expect(meta(web).generation).toBe(2);
    expect(at(web, "spec", "template", "spec", "containers", 0, "image")).toBe("acme/web:2");
    // Without the wait the run would end before the fake's controller saw generation 2.
    expect(at(web, "status", "observedGeneration")).toBe(2);
    expect(at(web, "status", "availableReplicas")).toBe(2);
    const worker = fake.get("Deployment", NS, "worker");
    expect(meta(worker).generation).toBe(1);
  });

  it("takes back a field another manager changed (forced apply: CODE owns what it renders)", async () => {
    const provider = providerFor(fake.kubeconfigPath);
    await runThroughEngine(provider, v1);
    const worker = fake.get("Deployment", NS, "worker") as JsonObject;
    fake.put({ ...worker, spec: { ...(worker.spec as JsonObject), replicas: 7 } }, "kubectl-edit");
    expect(at(fake.get("Deployment", NS, "worker"), "spec", "replicas")).toBe(7);
    await provider.apply(stepOf(v2, "service:worker", v1), contextFor(v2));
    expect(at(fake.get("Deployment", NS, "worker"), "spec", "replicas")).toBe(1);
  });

  it("leaves the replica count of an autoscaled Deployment to its autoscaler", async () => {
    const provider = providerFor(fake.kubeconfigPath);
    await runThroughEngine(provider, v1);
    const web = fake.get("Deployment", NS, "web") as JsonObject;
    fake.put({ ...web, spec: { ...(web.spec as JsonObject), replicas: 4 } }, "kube-controller-manager");
    await provider.apply(stepOf(v2, "service:web", v1), contextFor(v2));
    const after = fake.get("Deployment", NS, "web");
    expect(at(after, "spec", "template", "spec", "containers", 0, "image")).toBe("acme/web:2");
    expect(at(after, "spec", "replicas")).toBe(4);
  });

  it("recreates the bucket Job when the bucket list changes (a Job's template is immutable)", async () => {
    const provider = providerFor(fake.kubeconfigPath);
    await runThroughEngine(provider, v1);
    const uid = meta(fake.get("Job", NS, "minio-buckets")).uid;
    const more = validateSpec({ ...v1, buckets: [...v1.buckets, { name: "docs" }] });
    const logs: string[] = [];
    await provider.apply(stepOf(more, "bucket:docs", v1), contextFor(more, logs));
    const job = fake.get("Job", NS, "minio-buckets");
    expect(meta(job).uid).not.toBe(uid);
    expect(String(at(job, "spec", "template", "spec", "containers", 0, "command", 2))).toContain(
      "local/docs",
    );
    expect(at(job, "status", "succeeded")).toBe(1);
    expect(logs.join("\n")).toMatch(/deleting it and creating it again/);
  });
});

describe("kubernetes provider against a fake API server: prune and destroy", () => {
  it("prunes what the new revision no longer has, and only codeploy's objects of that app", async () => {
    const provider = providerFor(fake.kubeconfigPath);
    await runThroughEngine(provider, v1);
    // Someone's debug Service with the same name label, not managed by codeploy: must survive.
    fake.put(
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "web-debug", namespace: NS, labels: { "app.kubernetes.io/name": "web" } },
        spec: { ports: [{ port: 9999 }] },
      },
      "kubectl-client-side-apply",
    );
    const smaller = validateSpec({
      ...v1,
      services: [{ ...v1.services[0], autoscale: undefined, replicas: 1, domain: undefined }],
    });
    const run = await runThroughEngine(provider, smaller, v1);
    expect(failureOf(run)).toBe("");
    expect(fake.get("HorizontalPodAutoscaler", NS, "web")).toBeUndefined();
    expect(fake.get("PodDisruptionBudget", NS, "web")).toBeUndefined();
    expect(fake.get("Ingress", NS, "web")).toBeUndefined();
    expect(fake.get("Deployment", NS, "worker")).toBeUndefined();
    expect(fake.get("NetworkPolicy", NS, "allow-worker")).toBeUndefined();
    expect(fake.get("Deployment", NS, "web")).toBeDefined();
    expect(fake.get("Service", NS, "web-debug")).toBeDefined();
    const logs = run.events.flatMap((e) => (e.type === "step-log" ? [e.message] : []));
    expect(logs).toContain(`pruned HorizontalPodAutoscaler ${NS}/web: the new revision no longer has it`);
  });

  it("destroy deletes the namespace and everything in it; a second destroy finds nothing and succeeds", async () => {
    const provider = providerFor(fake.kubeconfigPath);
    await runThroughEngine(provider, v1);
    const run = await runThroughEngine(provider, v1, undefined, "destroy");
    expect(failureOf(run)).toBe("");
    expect(fake.objects()).toEqual([]);
    expect(fake.requests.some((r) => r.method === "DELETE" && r.path === `/api/v1/namespaces/${NS}`)).toBe(
      true,
    );
    const again = await runThroughEngine(provider, v1, undefined, "destroy");
    expect(again.result.outcome).toBe("succeeded");
  });
});

describe("kubernetes provider against a fake API server: namespaces, plan and observe", () => {
  it("puts every object in the namespace override; a namespace it did not create is neither relabelled nor denied", async () => {
    fake.put(
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a", labels: { team: "a" } } },
      "admin",
    );
    const provider = providerFor(fake.kubeconfigPath, { namespace: "team-a" });
    const run = await runThroughEngine(provider, v1);
    expect(failureOf(run)).toBe("");
    expect(fake.get("Deployment", "team-a", "web")).toBeDefined();
    expect(fake.get("Namespace", undefined, NS)).toBeUndefined();
    expect(meta(fake.get("Namespace", undefined, "team-a")).labels).toEqual({ team: "a" });
    // Other apps' pods share team-a: the default deny selects only this app's pods there.
    // Named per app + environment: another app's default deny in team-a is a different object.
    expect(fake.get("NetworkPolicy", "team-a", "codeploy-default-deny")).toBeUndefined();
    expect(
      at(fake.get("NetworkPolicy", "team-a", `codeploy-default-deny-${NS}`), "spec", "podSelector"),
    ).toEqual({
      matchLabels: { "app.kubernetes.io/part-of": "shop", "codeploy.dev/environment": "dev" },
    });
    const gone = await runThroughEngine(provider, v1, undefined, "destroy");
    expect(failureOf(gone)).toBe("");
    expect(fake.get("Namespace", undefined, "team-a")).toBeDefined();
    expect(fake.objects().map((o) => o.kind)).toEqual(["Namespace"]);
  });

  it("plan() says what each step will do without calling the cluster", async () => {
    const provider = providerFor(fake.kubeconfigPath);
    const lines = await provider.plan?.(stepOf(v1, "service:web"), contextFor(v1));
    expect(lines).toContain(`server-side apply Deployment ${NS}/web (field manager codeploy)`);
    expect(lines).toContain(`wait until Deployment ${NS}/web is ready`);
    expect(fake.requests).toEqual([]);
  });

  it("observe() reports ready against desired replicas, and components that are missing", async () => {
    const provider = providerFor(fake.kubeconfigPath);
    await runThroughEngine(provider, v1);
    await fake.close();
    fake = await startFakeKubeApiServer();
    const fresh = providerFor(fake.kubeconfigPath);
    expect(
      await fresh.observe({ app: "shop", environment: "dev", spec: v1, signal: AbortSignal.timeout(5_000) }),
    ).toEqual([
      { kind: "Deployment", name: "web", status: "missing" },
      { kind: "Deployment", name: "worker", status: "missing" },
      { kind: "StatefulSet", name: "postgres", status: "missing" },
    ]);
    await runThroughEngine(fresh, v1);
    const seen = await fresh.observe({
      app: "shop",
      environment: "dev",
      spec: v1,
      signal: AbortSignal.timeout(5_000),
    });
    expect(seen.find((r) => r.name === "web")).toMatchObject({
      kind: "Deployment",
      status: "running",
      details: { ready: 2, desired: 2, images: ["acme/web:1"] },
    });
    expect(seen.find((r) => r.name === "postgres")).toMatchObject({ kind: "StatefulSet", status: "running" });
    expect(seen.map((r) => r.name)).toContain("minio");
  });
});

describe("kubernetes provider against a fake API server: failed rollout and rollback", () => {
  let store: StateStore;
  beforeEach(async () => {
    store = await openStateStore({ home: mkdtempSync(join(tmpdir(), "codeploy-k8s-")) });
  });
  afterEach(async () => {
    await store.close();
  });

  it("a Deployment that never becomes ready fails at the deadline, and deploy() rolls back to the previous image", async () => {
    const provider = providerFor(fake.kubeconfigPath, { rolloutTimeoutMs: 1_500 });
    const deps: DeployDeps = { store, providerFor: () => provider, render, hashArtifacts };
    const options = { retry: { initialDelayMs: 5, maxDelayMs: 20, maxAttempts: 2 } };
    const first = await deploy({ spec: v1, actor: "ana" }, deps, options);
    expect(first.deployment.outcome).toBe("succeeded");
    fake.fault("web", { neverReady: { image: "acme/web:2" } });
    const second = await deploy({ spec: v2, actor: "ana" }, deps, options);
    expect(second.deployment.outcome).toBe("rolled-back");
    expect(second.result.failure?.stepId).toBe("service:web");
    expect(second.result.failure?.error).toMatchObject({ code: "ROLLOUT_TIMEOUT", retryable: false });
    expect(second.result.failure?.error.message).toMatch(
      /^Deployment shop-dev-[0-9a-f]{8}\/web was not ready within 1\.5s: 0 of 2 updated replicas available; pod .+: ImagePullBackOff: Back-off pulling image "acme\/web:2"$/,
    );
    expect(second.rollback?.outcome).toBe("succeeded");
    const web = fake.get("Deployment", NS, "web");
    expect(at(web, "spec", "template", "spec", "containers", 0, "image")).toBe("acme/web:1");
    expect(meta(web).generation).toBe(3);
    expect(at(web, "status", "availableReplicas")).toBe(2);
    const events = await store.listEvents(second.deployment.id);
    expect(events.some((e) => e.type === "step-rolled-back" && e.step === "service:web")).toBe(true);
    const gone = await destroyEnvironment({ app: "shop", environment: "dev", actor: "ana" }, deps, options);
    expect(gone.deployment.outcome).toBe("succeeded");
    expect(fake.objects()).toEqual([]);
  });
});
