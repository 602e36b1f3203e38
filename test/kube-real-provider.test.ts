/**
 * The kubernetes provider against a real API server (scripts/kube-up.sh), for
 * what kube-real.test.ts leaves out: manifests reaching the server as
 * rendered, the bucket Job recreated when its immutable template changes,
 * prune leaving objects codeploy did not make, a second destroy, a namespace
 * override that someone else made, and observe before and after a deploy.
 * These ran against the fake API server before; the fake is now kept for the
 * faults a real server does not produce on demand (errors.test.ts).
 */
import { describe, expect, it } from "vitest";
import {
  contextFor,
  failureOf,
  render,
  runThroughEngine,
  stepOf,
  v1,
} from "../src/providers/kubernetes/__fixtures__/harness.js";
import { namespaceName } from "../src/spec/naming.js";
import type { DeploymentSpec } from "../src/spec/schema.js";
import { validateSpec } from "../src/spec/validate.js";
import { useKubeCluster } from "./helpers/kube-cluster.js";
import { at, getJson, objectExists, realProvider } from "./helpers/kube-real.js";

const cluster = useKubeCluster();

/** The shop of the provider's tests under its own name, so files do not meet on a shared control plane. */
const named = (name: string, patch: Partial<DeploymentSpec> = {}): DeploymentSpec =>
  validateSpec({ ...v1, ...patch, name });

describe("kubernetes provider on a real API server: what the server keeps", () => {
  it("keeps the manifests as rendered: NetworkPolicy peers and Secret data; a second destroy finds nothing and succeeds", {
    timeout: 180_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!kube) return ctx.skip();
    const spec = named("asrendered");
    const ns = namespaceName({ app: spec.name, environment: spec.environment });
    const provider = realProvider(kube);
    expect(failureOf(await runThroughEngine(provider, spec))).toBe("");
    for (const o of (render(spec).kubernetes ?? []).filter(
      (x) => x.kind === "NetworkPolicy" || x.kind === "Secret",
    )) {
      const live = await getJson(kube, o.kind, o.metadata.name, ns);
      // The server adds defaults (policyTypes, protocol) but drops nothing codeploy sent.
      if (o.kind === "NetworkPolicy")
        expect(at(live, "spec"), o.metadata.name).toMatchObject(o.spec as object);
      else expect(at(live, "data"), o.metadata.name).toEqual(o.data);
    }
    expect(
      at(await getJson(kube, "networkpolicy", "allow-postgres", ns), "spec", "ingress", 0, "from"),
    ).toHaveLength(2);
    expect(failureOf(await runThroughEngine(provider, spec, undefined, "destroy"))).toBe("");
    expect(await objectExists(kube, "namespace", ns)).toBe(false);
    const again = await runThroughEngine(provider, spec, undefined, "destroy");
    expect(again.result.outcome).toBe("succeeded");
  });

  it("recreates the bucket Job when the bucket list changes: the real server refuses a new template for a Job", {
    timeout: 180_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!kube) return ctx.skip();
    const spec = named("jobshop");
    const ns = namespaceName({ app: spec.name, environment: spec.environment });
    const provider = realProvider(kube);
    expect(failureOf(await runThroughEngine(provider, spec))).toBe("");
    const uid = at(await getJson(kube, "job", "minio-buckets", ns), "metadata", "uid");
    const more = validateSpec({ ...spec, buckets: [...spec.buckets, { name: "docs" }] });
    const logs: string[] = [];
    await provider.apply(stepOf(more, "bucket:docs", spec), contextFor(more, logs));
    const job = await getJson(kube, "job", "minio-buckets", ns);
    expect(at(job, "metadata", "uid")).not.toBe(uid);
    expect(String(at(job, "spec", "template", "spec", "containers", 0, "command", 2))).toContain(
      "local/docs",
    );
    expect(at(job, "status", "succeeded")).toBe(1);
    expect(logs.join("\n")).toMatch(/deleting it and creating it again/);
    expect(failureOf(await runThroughEngine(provider, more, undefined, "destroy"))).toBe("");
  });

  it("prunes only codeploy's objects of the app: someone's Service with the same name label survives", {
    timeout: 180_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!kube) return ctx.skip();
    const spec = named("pruneshop");
    const ns = namespaceName({ app: spec.name, environment: spec.environment });
    const provider = realProvider(kube);
    expect(failureOf(await runThroughEngine(provider, spec))).toBe("");
    const debug = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web-debug", namespace: ns, labels: { "app.kubernetes.io/name": "web" } },
      spec: { ports: [{ port: 9999 }] },
    };
    await kube.kubectl(["create", "-f", "-"], JSON.stringify(debug));
    const smaller = validateSpec({
      ...spec,
      services: [{ ...spec.services[0], autoscale: undefined, replicas: 1, domain: undefined }],
    });
    const run = await runThroughEngine(provider, smaller, spec);
    expect(failureOf(run)).toBe("");
    for (const [kind, name] of [
      ["hpa", "web"],
      ["pdb", "web"],
      ["ingress", "web"],
      ["deployment", "worker"],
      ["networkpolicy", "allow-worker"],
    ] as const)
      expect(await objectExists(kube, kind, name, ns), `${kind} ${name}`).toBe(false);
    expect(await objectExists(kube, "deployment", "web", ns)).toBe(true);
    expect(await objectExists(kube, "service", "web-debug", ns)).toBe(true);
    const logs = run.events.flatMap((e) => (e.type === "step-log" ? [e.message] : []));
    expect(logs).toContain(`pruned HorizontalPodAutoscaler ${ns}/web: the new revision no longer has it`);
    expect(failureOf(await runThroughEngine(provider, smaller, undefined, "destroy"))).toBe("");
  });
});

describe("kubernetes provider on a real API server: namespaces and observe", () => {
  it("puts every object in the namespace override; a namespace it did not create is neither relabelled nor denied, nor deleted", {
    timeout: 180_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!kube) return ctx.skip();
    const spec = named("teamshop");
    const own = namespaceName({ app: spec.name, environment: spec.environment });
    await kube.kubectl(
      ["create", "-f", "-"],
      JSON.stringify({
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: "team-a", labels: { team: "a" } },
      }),
    );
    const provider = realProvider(kube, { namespace: "team-a" });
    expect(failureOf(await runThroughEngine(provider, spec))).toBe("");
    expect(at(await getJson(kube, "deployment", "web", "team-a"), "status", "availableReplicas")).toBe(2);
    expect(await objectExists(kube, "namespace", own)).toBe(false);
    const labels = at(await getJson(kube, "namespace", "team-a"), "metadata", "labels") as Record<
      string,
      string
    >;
    expect(labels.team).toBe("a");
    expect(labels["app.kubernetes.io/managed-by"]).toBeUndefined();
    // Other apps' pods share team-a: the default deny is named for this app and selects only its pods.
    expect(await objectExists(kube, "networkpolicy", "codeploy-default-deny", "team-a")).toBe(false);
    expect(
      at(
        await getJson(kube, "networkpolicy", `codeploy-default-deny-${own}`, "team-a"),
        "spec",
        "podSelector",
      ),
    ).toEqual({
      matchLabels: { "app.kubernetes.io/part-of": "teamshop", "codeploy.dev/environment": "dev" },
    });
    expect(failureOf(await runThroughEngine(provider, spec, undefined, "destroy"))).toBe("");
    expect(await objectExists(kube, "namespace", "team-a")).toBe(true);
    const left = await kube.kubectl([
      "get",
      "deploy,sts,svc,netpol,secret,job,ing",
      "-n",
      "team-a",
      "-o",
      "name",
    ]);
    expect(left.trim()).toBe("");
    await kube.kubectl(["delete", "namespace", "team-a", "--wait=false"]);
  });

  it("observe() reports missing components before a deploy, then ready against desired replicas", {
    timeout: 180_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!kube) return ctx.skip();
    const spec = named("watchshop");
    const provider = realProvider(kube);
    const observe = () =>
      provider.observe({ app: spec.name, environment: "dev", spec, signal: AbortSignal.timeout(30_000) });
    expect(await observe()).toEqual([
      { kind: "Deployment", name: "web", status: "missing" },
      { kind: "Deployment", name: "worker", status: "missing" },
      { kind: "StatefulSet", name: "postgres", status: "missing" },
    ]);
    expect(failureOf(await runThroughEngine(provider, spec))).toBe("");
    const seen = await observe();
    expect(seen.find((r) => r.name === "web")).toMatchObject({
      kind: "Deployment",
      status: "running",
      details: { ready: 2, desired: 2, images: ["acme/web:1"] },
    });
    expect(seen.find((r) => r.name === "postgres")).toMatchObject({ kind: "StatefulSet", status: "running" });
    expect(seen.map((r) => r.name)).toContain("minio");
    expect(failureOf(await runThroughEngine(provider, spec, undefined, "destroy"))).toBe("");
  });
});
