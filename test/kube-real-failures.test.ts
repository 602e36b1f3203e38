/**
 * Failures only a real control plane produces (scripts/kube-up.sh): the Pod
 * Security admission plugin refusing pods, and a rollout whose pods never
 * become ready (kwok keeps pods of an image tagged `crashloop` in
 * CrashLoopBackOff) rolled back by the engine to the previous revision.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type DeployDeps, deploy, destroyEnvironment } from "../src/engine/deploy.js";
import type { Provider } from "../src/engine/provider.js";
import { failureOf, render, runThroughEngine, v1 } from "../src/providers/kubernetes/__fixtures__/harness.js";
import { hashArtifacts } from "../src/render/index.js";
import { validateSpec } from "../src/spec/validate.js";
import { openStateStore } from "../src/state/index.js";
import { useKubeCluster } from "./helpers/kube-cluster.js";
import { at, getJson, namespaceOf, objectExists, realProvider } from "./helpers/kube-real.js";

const cluster = useKubeCluster();

/** One web service that starts as root (nginx), and nothing else. */
const rootWeb = validateSpec({
  name: "psa",
  environment: "dev",
  target: "kubernetes",
  services: [{ name: "web", image: "nginx:1.27", port: 80, replicas: 1 }],
});

describe("real admission: Pod Security", () => {
  it("a root pod in a namespace enforcing restricted is refused by the real plugin, and the error says why", {
    timeout: 180_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!kube) return ctx.skip();
    const shared = `psa-restricted-${process.pid}`;
    await kube.kubectl(["create", "namespace", shared]);
    await kube.kubectl(["label", "namespace", shared, "pod-security.kubernetes.io/enforce=restricted"]);
    try {
      const provider = realProvider(kube, { namespace: shared, rolloutTimeoutMs: 30_000 });
      const run = await runThroughEngine(provider, rootWeb);
      expect(run.result.failure?.stepId).toBe("service:web");
      const error = run.result.failure?.error;
      expect(error?.code).toBe("POD_SECURITY_REFUSED");
      expect(error?.message).toMatch(
        new RegExp(
          `^Deployment ${shared}/web failed: pods are refused: .*violates PodSecurity "restricted:latest"`,
        ),
      );
      expect(error?.hint).toMatch(/runAsRoot/);
      // The Deployment itself was accepted (admission only warns for workloads); no pod exists.
      expect(await objectExists(kube, "deployment", "web", shared)).toBe(true);
      const pods = await getJson(kube, "pods", "", shared);
      expect(pods.items).toEqual([]);
    } finally {
      await kube.kubectl(["delete", "namespace", shared, "--wait=false"]);
    }
  });

  it("the same root pod in the namespace codeploy creates runs: it enforces baseline there and warns against restricted", {
    timeout: 180_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!kube) return ctx.skip();
    const run = await runThroughEngine(realProvider(kube), rootWeb);
    expect(failureOf(run)).toBe("");
    const ns = namespaceOf(rootWeb);
    const labels = at(await getJson(kube, "namespace", ns), "metadata", "labels");
    expect(labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "baseline",
      "pod-security.kubernetes.io/warn": "restricted",
    });
    expect(at(await getJson(kube, "deployment", "web", ns), "status", "availableReplicas")).toBe(1);
    const gone = await runThroughEngine(realProvider(kube), rootWeb, undefined, "destroy");
    expect(failureOf(gone)).toBe("");
  });
});

describe("real controllers: a failing rollout", () => {
  it("pods that never become ready fail the step with the pod's reason, and deploy() rolls back to the previous revision", {
    timeout: 180_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!kube) return ctx.skip();
    const good = validateSpec({ ...v1, name: "rollback" });
    const bad = validateSpec({
      ...good,
      services: good.services.map((s) => (s.name === "web" ? { ...s, image: "acme/web:crashloop" } : s)),
    });
    const ns = namespaceOf(good);
    const store = await openStateStore({ home: mkdtempSync(join(tmpdir(), "codeploy-kube-real-")) });
    let provider: Provider = realProvider(kube);
    const deps: DeployDeps = { store, providerFor: () => provider, render, hashArtifacts };
    const options = { retry: { initialDelayMs: 5, maxDelayMs: 20, maxAttempts: 2 } };
    try {
      const first = await deploy({ spec: good, actor: "ana" }, deps, options);
      expect(first.deployment.outcome).toBe("succeeded");
      provider = realProvider(kube, { rolloutTimeoutMs: 12_000 });
      const second = await deploy({ spec: bad, actor: "ana" }, deps, options);
      expect(second.deployment.outcome).toBe("rolled-back");
      expect(second.result.failure?.stepId).toBe("service:web");
      expect(second.result.failure?.error).toMatchObject({ code: "ROLLOUT_TIMEOUT", retryable: false });
      expect(second.result.failure?.error.message).toMatch(
        new RegExp(
          `^Deployment ${ns}/web was not ready within 12s: .*pod web-.+: CrashLoopBackOff: .*\\(last exit: Error\\)$`,
        ),
      );
      expect(second.rollback?.outcome).toBe("succeeded");
      const web = await getJson(kube, "deployment", "web", ns);
      expect(at(web, "spec", "template", "spec", "containers", 0, "image")).toBe("acme/web:1");
      expect(at(web, "status", "availableReplicas")).toBe(2);
      expect(at(web, "status", "updatedReplicas")).toBe(2);
      provider = realProvider(kube);
      const gone = await destroyEnvironment(
        { app: "rollback", environment: "dev", actor: "ana" },
        deps,
        options,
      );
      expect(gone.deployment.outcome).toBe("succeeded");
      expect(await objectExists(kube, "namespace", ns)).toBe(false);
    } finally {
      await store.close();
    }
  });
});
