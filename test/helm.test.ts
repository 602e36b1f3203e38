/**
 * The Helm chart of `codeploy render --target helm`, checked by helm itself
 * (helm v3 built from the Go module proxy: scripts/kube-build.sh --helm):
 * `helm lint` accepts it, `helm template` with the default values gives back
 * the kubernetes target's objects, and values override what they expose.
 * Then helm mode on the real control plane (scripts/kube-up.sh).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { failureOf, runThroughEngine, v1 } from "../src/providers/kubernetes/__fixtures__/harness.js";
import { renderHelmChart } from "../src/render/helm/index.js";
import { renderKubernetes } from "../src/render/kubernetes/index.js";
import { appReleaseName } from "../src/spec/naming.js";
import { validateSpec } from "../src/spec/validate.js";
import { findHelm, helm } from "./helpers/helm.js";
import { useKubeCluster } from "./helpers/kube-cluster.js";
import { at, getJson, imageOf, namespaceOf, objectExists, realProvider } from "./helpers/kube-real.js";

const spec = validateSpec({
  name: "chartshop",
  environment: "dev",
  target: "kubernetes",
  services: [
    {
      name: "web-api",
      image: "acme/web:1.2",
      port: 8080,
      replicas: 2,
      domain: "shop.example.com",
      autoscale: { min: 2, max: 4 },
      env: { LOG_LEVEL: "info", STRIPE_KEY: "secret:stripe-key" },
      dependsOn: ["postgres", "media"],
    },
    { name: "worker", kind: "worker", image: "acme/worker:1", dependsOn: ["postgres"] },
    { name: "report", kind: "cron", image: "acme/report:1", schedule: "0 3 * * *" },
  ],
  databases: [{ name: "postgres", engine: "postgres", version: "16" }],
  buckets: [{ name: "media" }],
});
const options = { secretSeed: "helm-test", secrets: { "stripe-key": "sk_test_123" } };

let binary: string | undefined;
let chartDir = "";
beforeAll(() => {
  binary = findHelm();
  chartDir = mkdtempSync(join(tmpdir(), "codeploy-helm-chart-"));
  for (const f of renderHelmChart(spec, options).files) {
    mkdirSync(dirname(join(chartDir, f.path)), { recursive: true });
    writeFileSync(join(chartDir, f.path), f.content);
  }
});

type Obj = { kind: string; metadata: { name: string } };
const byKey = (objects: readonly Obj[]) =>
  new Map(objects.map((o) => [`${o.kind}/${o.metadata.name}`, JSON.parse(JSON.stringify(o)) as Obj]));

async function template(args: readonly string[] = []): Promise<Obj[]> {
  const out = await helm(binary as string, [
    "template",
    "chartshop-dev",
    chartDir,
    "--namespace",
    "ns-x",
    ...args,
  ]);
  return parseAllDocuments(out)
    .map((d) => d.toJS() as Obj | null)
    .filter((o): o is Obj => o !== null);
}

describe("render --target helm, checked by helm", () => {
  it("helm lint accepts the chart", async (ctx) => {
    if (!binary) return ctx.skip();
    const out = await helm(binary, ["lint", chartDir, "--strict"]);
    expect(out).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it("helm template with the default values gives back the kubernetes target's objects, in the release namespace", async (ctx) => {
    if (!binary) return ctx.skip();
    const expected = (renderKubernetes(spec, options).kubernetes ?? [])
      .filter((o) => o.kind !== "Namespace")
      .map((o) => ({ ...o, metadata: { ...o.metadata, namespace: "ns-x" } }));
    const got = byKey(await template());
    expect([...got.keys()].sort()).toEqual([...byKey(expected).keys()].sort());
    for (const [key, object] of byKey(expected)) expect(got.get(key), key).toEqual(object);
  });

  it("values override image, replicas, resources, domain and env, and add env variables", async (ctx) => {
    if (!binary) return ctx.skip();
    const set = [
      "--set",
      "services.web-api.image=acme/web:2.0,services.worker.replicas=5,services.web-api.domain=new.example.com",
      "--set",
      "services.web-api.env.LOG_LEVEL=debug,services.web-api.env.FEATURE_X=on",
      "--set",
      "services.web-api.resources.limits.memory=1Gi,namespace.create=true",
      "--set",
      "services.report.env.REPORT_TO=ops@example.com",
    ];
    const got = byKey(await template(set));
    const web = JSON.stringify(got.get("Deployment/web-api"));
    expect(web).toContain('"image":"acme/web:2.0"');
    // web-api autoscales: its HPA owns the count, so neither the chart nor the values set one.
    expect(web).not.toContain('"replicas"');
    expect(JSON.stringify(got.get("Deployment/worker"))).toContain('"replicas":5');
    expect(web).toContain('{"name":"LOG_LEVEL","value":"debug"}');
    expect(web).toContain('{"name":"FEATURE_X","value":"on"}');
    expect(web).toContain('"STRIPE_KEY","valueFrom"');
    expect(web).toContain('"memory":"1Gi"');
    expect(JSON.stringify(got.get("Ingress/web-api"))).toContain('"host":"new.example.com"');
    expect(got.get("Namespace/ns-x")).toBeDefined();
    // A service rendered without variables gets the env key from the values alone.
    expect(JSON.stringify(got.get("CronJob/report"))).toContain(
      '"env":[{"name":"REPORT_TO","value":"ops@example.com"}]',
    );
  });
});

describe("providers.kubernetes.mode: helm on a real control plane", () => {
  const cluster = useKubeCluster(() => binary !== undefined);

  it("installs one release with --atomic, upgrades it per deployment, lets a failed upgrade roll back, and uninstalls it", {
    timeout: 240_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!binary || !kube) return ctx.skip();
    const first = validateSpec({ ...v1, name: "helmshop" });
    const second = validateSpec({
      ...first,
      services: first.services.map((s) => (s.name === "web" ? { ...s, image: "acme/web:2" } : s)),
    });
    const bad = validateSpec({
      ...first,
      services: first.services.map((s) => (s.name === "web" ? { ...s, image: "acme/web:crashloop" } : s)),
    });
    const ns = namespaceOf(first);
    const release = appReleaseName({ app: "helmshop", environment: "dev" });
    const provider = realProvider(kube, { mode: "helm", helm: { binary } });
    const env = { ...process.env, KUBECONFIG: kube.kubeconfigPath };
    const history = async () =>
      (
        JSON.parse(await helm(binary as string, ["history", release, "-n", ns, "-o", "json"], env)) as {
          revision: number;
          status: string;
          description: string;
        }[]
      ).map((h) => `${h.revision} ${h.status}`);

    const run = await runThroughEngine(provider, first);
    expect(failureOf(run)).toBe("");
    expect(await history()).toEqual(["1 deployed"]);
    // The chart leaves web's count to its HPA: the real HPA controller raises it to minReplicas (2).
    let web = await getJson(kube, "deployment", "web", ns);
    for (let i = 0; i < 120 && at(web, "status", "availableReplicas") !== 2; i++) {
      await new Promise((r) => setTimeout(r, 500));
      web = await getJson(kube, "deployment", "web", ns);
    }
    expect(at(web, "status", "availableReplicas")).toBe(2);
    expect(at(web, "metadata", "annotations", "meta.helm.sh/release-name")).toBe(release);
    // The namespace came first, from codeploy, with its Pod Security labels.
    expect(
      at(await getJson(kube, "namespace", ns), "metadata", "labels", "pod-security.kubernetes.io/enforce"),
    ).toBe("restricted");

    const upgrade = await runThroughEngine(provider, second, first);
    expect(failureOf(upgrade)).toBe("");
    expect(await history()).toEqual(["1 superseded", "2 deployed"]);
    const image = () => imageOf(kube, "web", ns);
    expect(await image()).toBe("acme/web:2");

    const impatient = realProvider(kube, { mode: "helm", helm: { binary }, rolloutTimeoutMs: 10_000 });
    const failed = await runThroughEngine(impatient, bad, second);
    expect(failed.result.failure?.error.code).toBe("HELM_FAILED");
    expect(failed.result.failure?.error.message).toMatch(
      new RegExp(`helm upgrade of release ${release} in .+ failed`),
    );
    // --atomic: helm itself put the last good revision back.
    expect((await history()).slice(-2)).toEqual(["3 failed", "4 deployed"]);
    expect(await image()).toBe("acme/web:2");

    const gone = await runThroughEngine(provider, second, undefined, "destroy");
    expect(failureOf(gone)).toBe("");
    expect(await helm(binary, ["list", "-A", "-q"], env)).not.toContain(release);
    expect(await objectExists(kube, "namespace", ns)).toBe(false);
  });
});
