/**
 * The attack of issue 15 against the Kubernetes API (the protocol-level fake in
 * test/helpers): `my` + `shop-production` and `my-shop` + `production` used to
 * share the namespace `my-shop-production`. Now they get disjoint namespaces
 * and objects, and rolling back or destroying one leaves the other untouched.
 * A namespace or object under our name that is not ours is refused with
 * OWNERSHIP_CONFLICT unless adopted; a namespace an earlier version made for
 * the pair (`<app>-<env>`, our labels) stays in use with its selectors.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeKubeApiServer, startFakeKubeApiServer } from "../../../test/helpers/fake-kube-apiserver.js";
import { runPlan } from "../../engine/run.js";
import { buildPlan } from "../../plan/build.js";
import { namespaceName } from "../../spec/naming.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import { validateSpec } from "../../spec/validate.js";
import { FAST_RETRY, failureOf, providerFor, render, runThroughEngine } from "./__fixtures__/harness.js";

let fake: FakeKubeApiServer;
beforeEach(async () => {
  fake = await startFakeKubeApiServer();
});
afterEach(async () => {
  await fake.close();
});

const A = { app: "my", environment: "shop-production" };
const B = { app: "my-shop", environment: "production" };

const spec = (id: { app: string; environment: string }, image = "acme/web:1"): DeploymentSpec =>
  validateSpec({
    name: id.app,
    environment: id.environment,
    target: "kubernetes",
    services: [{ name: "web", image, port: 8080, replicas: 2 }],
  });

const imageOf = (o: unknown): unknown => JSON.stringify(o).match(/"image":"([^"]+)"/)?.[1];

describe("collision-free identity on the Kubernetes API (fake)", () => {
  it("my/shop-production and my-shop/production get disjoint namespaces; rollback and destroy of one leave the other untouched", async () => {
    const provider = providerFor(fake.kubeconfigPath);
    expect(failureOf(await runThroughEngine(provider, spec(A)))).toBe("");
    expect(failureOf(await runThroughEngine(provider, spec(B)))).toBe("");
    const nsA = namespaceName(A);
    const nsB = namespaceName(B);
    expect(nsA).not.toBe(nsB);
    expect(fake.get("Namespace", undefined, "my-shop-production")).toBeUndefined();
    const webA = fake.get("Deployment", nsA, "web");
    expect(webA?.metadata).toMatchObject({
      labels: { "app.kubernetes.io/part-of": "my", "codeploy.dev/environment": "shop-production" },
    });
    expect(fake.get("Deployment", nsB, "web")?.metadata).toMatchObject({
      labels: { "app.kubernetes.io/part-of": "my-shop", "codeploy.dev/environment": "production" },
    });

    // B rolls out v2, then rolls back to v1; A's Deployment is the same object, same version.
    expect(failureOf(await runThroughEngine(provider, spec(B, "acme/web:2"), spec(B)))).toBe("");
    expect(imageOf(fake.get("Deployment", nsB, "web"))).toBe("acme/web:2");
    expect(failureOf(await runThroughEngine(provider, spec(B), spec(B, "acme/web:2")))).toBe("");
    expect(imageOf(fake.get("Deployment", nsB, "web"))).toBe("acme/web:1");
    expect(fake.get("Deployment", nsA, "web")).toEqual(webA);

    // Destroying B removes B's namespace; A keeps its namespace and objects.
    expect(failureOf(await runThroughEngine(provider, spec(B), undefined, "destroy"))).toBe("");
    expect(fake.get("Namespace", undefined, nsB)).toBeUndefined();
    expect(fake.get("Namespace", undefined, nsA)).toBeDefined();
    expect(fake.get("Deployment", nsA, "web")).toEqual(webA);
  }, 60_000);

  it("refuses an unlabelled namespace under its name with OWNERSHIP_CONFLICT, and adopts it with the flag", async () => {
    const id = { app: "squat", environment: "dev" };
    fake.put({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespaceName(id) } }, "someone");
    const provider = providerFor(fake.kubeconfigPath);
    const refused = await runThroughEngine(provider, spec(id));
    expect(refused.result.failure?.error.code).toBe("OWNERSHIP_CONFLICT");
    expect(failureOf(refused)).toContain(`Namespace ${namespaceName(id)} exists and is not squat/dev's`);
    expect(fake.get("Deployment", namespaceName(id), "web")).toBeUndefined();

    const plan = buildPlan(spec(id));
    const adopted = await runPlan(plan.steps, {
      provider,
      spec: spec(id),
      artifacts: render(spec(id)),
      revision: 1,
      retry: FAST_RETRY,
      stepTimeoutMs: 60_000,
      adopt: true,
    });
    expect(adopted.failure?.error.message).toBeUndefined();
    expect(fake.get("Deployment", namespaceName(id), "web")).toBeDefined();
  }, 60_000);

  it("refuses an object another app owns in a shared namespace, naming the owner", async () => {
    fake.put({ apiVersion: "v1", kind: "Namespace", metadata: { name: "team" } }, "admin");
    fake.put(
      {
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
        spec: { replicas: 1 },
      },
      "codeploy",
    );
    const provider = providerFor(fake.kubeconfigPath, { namespace: "team" });
    const run = await runThroughEngine(provider, spec({ app: "attacker", environment: "staging" }));
    expect(run.result.failure?.error.code).toBe("OWNERSHIP_CONFLICT");
    expect(failureOf(run)).toContain('it carries app "victim", environment "production"');
    expect(fake.get("Deployment", "team", "web")?.metadata).toMatchObject({
      labels: { "app.kubernetes.io/part-of": "victim" },
    });
  }, 60_000);

  it("keeps using a namespace an earlier version made (<app>-<env>, found by labels), with its selector labels", async () => {
    const id = { app: "legacy", environment: "dev" };
    fake.put(
      {
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
      },
      "codeploy",
    );
    const run = await runThroughEngine(providerFor(fake.kubeconfigPath), spec(id));
    expect(failureOf(run)).toBe("");
    expect(fake.get("Namespace", undefined, namespaceName(id))).toBeUndefined();
    const web = fake.get("Deployment", "legacy-dev", "web");
    expect(JSON.stringify(web)).toContain('"app.kubernetes.io/instance":"legacy-dev"');
    expect(JSON.stringify(web)).not.toContain(namespaceName(id));
  }, 60_000);
});
