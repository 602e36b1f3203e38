/**
 * The attack of issue 15 against a real API server (scripts/kube-up.sh):
 * `my` + `shop-production` and `my-shop` + `production` used to share the
 * namespace `my-shop-production`. Now they get disjoint namespaces and
 * objects, and rolling back or destroying one leaves the other untouched. A
 * namespace or object under our name that is not ours is refused with
 * OWNERSHIP_CONFLICT unless adopted; a namespace an earlier version made for
 * the pair (`<app>-<env>`, our labels) stays in use with its selectors.
 */
import { describe, expect, it } from "vitest";
import { runPlan } from "../src/engine/run.js";
import { buildPlan } from "../src/plan/build.js";
import {
  FAST_RETRY,
  failureOf,
  render,
  runThroughEngine,
} from "../src/providers/kubernetes/__fixtures__/harness.js";
import { namespaceName } from "../src/spec/naming.js";
import type { DeploymentSpec } from "../src/spec/schema.js";
import { validateSpec } from "../src/spec/validate.js";
import type { KubeCluster } from "./helpers/kube-cluster.js";
import { useKubeCluster } from "./helpers/kube-cluster.js";
import { at, getJson, imageOf, objectExists, realProvider } from "./helpers/kube-real.js";

const cluster = useKubeCluster();

const A = { app: "my", environment: "shop-production" };
const B = { app: "my-shop", environment: "production" };

const spec = (id: { app: string; environment: string }, image = "acme/web:1"): DeploymentSpec =>
  validateSpec({
    name: id.app,
    environment: id.environment,
    target: "kubernetes",
    services: [{ name: "web", image, port: 8080, replicas: 2 }],
  });

/** Someone else's object, made with kubectl create (no codeploy field manager). */
const create = (kube: KubeCluster, object: unknown) =>
  kube.kubectl(["create", "-f", "-"], JSON.stringify(object));

/** What does not change unless someone writes to the Deployment: uid, generation and spec. */
const identityOf = async (kube: KubeCluster, ns: string) => {
  const web = await getJson(kube, "deployment", "web", ns);
  return [at(web, "metadata", "uid"), at(web, "metadata", "generation"), JSON.stringify(at(web, "spec"))];
};

describe("collision-free identity on a real API server", () => {
  it("my/shop-production and my-shop/production get disjoint namespaces; rollback and destroy of one leave the other untouched", {
    timeout: 240_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!kube) return ctx.skip();
    const provider = realProvider(kube);
    expect(failureOf(await runThroughEngine(provider, spec(A)))).toBe("");
    expect(failureOf(await runThroughEngine(provider, spec(B)))).toBe("");
    const nsA = namespaceName(A);
    const nsB = namespaceName(B);
    expect(nsA).not.toBe(nsB);
    expect(await objectExists(kube, "namespace", "my-shop-production")).toBe(false);
    expect(at(await getJson(kube, "deployment", "web", nsA), "metadata", "labels")).toMatchObject({
      "app.kubernetes.io/part-of": "my",
      "codeploy.dev/environment": "shop-production",
    });
    expect(at(await getJson(kube, "deployment", "web", nsB), "metadata", "labels")).toMatchObject({
      "app.kubernetes.io/part-of": "my-shop",
      "codeploy.dev/environment": "production",
    });
    const webA = await identityOf(kube, nsA);

    // B rolls out v2, then rolls back to v1; A's Deployment is the same object, untouched.
    expect(failureOf(await runThroughEngine(provider, spec(B, "acme/web:2"), spec(B)))).toBe("");
    expect(await imageOf(kube, "web", nsB)).toBe("acme/web:2");
    expect(failureOf(await runThroughEngine(provider, spec(B), spec(B, "acme/web:2")))).toBe("");
    expect(await imageOf(kube, "web", nsB)).toBe("acme/web:1");
    expect(await identityOf(kube, nsA)).toEqual(webA);

    // Destroying B removes B's namespace (through the namespace controller); A keeps its own.
    expect(failureOf(await runThroughEngine(provider, spec(B), undefined, "destroy"))).toBe("");
    expect(await objectExists(kube, "namespace", nsB)).toBe(false);
    expect(await identityOf(kube, nsA)).toEqual(webA);
    expect(failureOf(await runThroughEngine(provider, spec(A), undefined, "destroy"))).toBe("");
  });

  it("refuses an unlabelled namespace under its name with OWNERSHIP_CONFLICT, and adopts it with the flag", {
    timeout: 180_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!kube) return ctx.skip();
    const id = { app: "squat", environment: "dev" };
    const ns = namespaceName(id);
    await create(kube, { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
    const provider = realProvider(kube);
    const refused = await runThroughEngine(provider, spec(id));
    expect(refused.result.failure?.error.code).toBe("OWNERSHIP_CONFLICT");
    expect(failureOf(refused)).toContain(`Namespace ${ns} exists and is not squat/dev's`);
    expect(await objectExists(kube, "deployment", "web", ns)).toBe(false);

    const adopted = await runPlan(buildPlan(spec(id)).steps, {
      provider,
      spec: spec(id),
      artifacts: render(spec(id)),
      revision: 1,
      retry: FAST_RETRY,
      stepTimeoutMs: 60_000,
      adopt: true,
    });
    expect(adopted.failure?.error.message).toBeUndefined();
    expect(at(await getJson(kube, "deployment", "web", ns), "status", "availableReplicas")).toBe(2);
    expect(failureOf(await runThroughEngine(provider, spec(id), undefined, "destroy"))).toBe("");
  });

  it("refuses an object another app owns in a shared namespace, naming the owner", {
    timeout: 180_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!kube) return ctx.skip();
    await create(kube, { apiVersion: "v1", kind: "Namespace", metadata: { name: "team" } });
    const labels = { "app.kubernetes.io/name": "web" };
    await create(kube, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: {
        name: "web",
        namespace: "team",
        labels: {
          "app.kubernetes.io/managed-by": "codeploy",
          "app.kubernetes.io/part-of": "victim",
          "codeploy.dev/environment": "production",
        },
      },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: "web", image: "victim/web:1" }] } },
      },
    });
    const run = await runThroughEngine(
      realProvider(kube, { namespace: "team" }),
      spec({ app: "attacker", environment: "staging" }),
    );
    expect(run.result.failure?.error.code).toBe("OWNERSHIP_CONFLICT");
    expect(failureOf(run)).toContain('it carries app "victim", environment "production"');
    expect(at(await getJson(kube, "deployment", "web", "team"), "metadata", "labels")).toMatchObject({
      "app.kubernetes.io/part-of": "victim",
    });
    expect(await imageOf(kube, "web", "team")).toBe("victim/web:1");
    await kube.kubectl(["delete", "namespace", "team", "--wait=false"]);
  });

  it("keeps using a namespace an earlier version made (<app>-<env>, found by labels), with its selector labels", {
    timeout: 180_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!kube) return ctx.skip();
    const id = { app: "legacy", environment: "dev" };
    await create(kube, {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name: "legacy-dev",
        labels: {
          "app.kubernetes.io/managed-by": "codeploy",
          "app.kubernetes.io/part-of": "legacy",
          "codeploy.dev/environment": "dev",
        },
      },
    });
    const run = await runThroughEngine(realProvider(kube), spec(id));
    expect(failureOf(run)).toBe("");
    expect(await objectExists(kube, "namespace", namespaceName(id))).toBe(false);
    const web = JSON.stringify(await getJson(kube, "deployment", "web", "legacy-dev"));
    expect(web).toContain('"app.kubernetes.io/instance":"legacy-dev"');
    expect(web).not.toContain(namespaceName(id));
    expect(failureOf(await runThroughEngine(realProvider(kube), spec(id), undefined, "destroy"))).toBe("");
  });
});
