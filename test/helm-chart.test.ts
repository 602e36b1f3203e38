/**
 * A service that names an existing Helm chart (`services[].chart`), on the
 * real control plane (scripts/kube-up.sh) with helm v3 built from the Go
 * module proxy: the engine installs the local chart of test/fixtures/charts
 * as its own release, upgrades it, rolls it back (`helm rollback`, which
 * restores the chart as it was even after its folder changed), lets --atomic
 * undo a failed upgrade, reports it in status, and uninstalls it on destroy.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deploy, destroyEnvironment, rollbackTo } from "../src/engine/deploy.js";
import type { Provider } from "../src/engine/provider.js";
import { hashArtifacts, render } from "../src/render/index.js";
import { chartReleaseName } from "../src/spec/naming.js";
import type { DeploymentSpec } from "../src/spec/schema.js";
import { validateSpec } from "../src/spec/validate.js";
import { openStateStore, type StateStore } from "../src/state/index.js";
import { findHelm, helm } from "./helpers/helm.js";
import { useKubeCluster } from "./helpers/kube-cluster.js";
import { at, getJson, imageOf, namespaceOf, objectExists, realProvider } from "./helpers/kube-real.js";

const FIXTURES = new URL("./fixtures/charts", import.meta.url).pathname;
const APP = { app: "chartapp", environment: "dev" };
const RELEASE = chartReleaseName(APP, "hello");

function specWith(values: Record<string, unknown>): DeploymentSpec {
  return validateSpec({
    name: APP.app,
    environment: APP.environment,
    target: "kubernetes",
    services: [
      { name: "web", image: "acme/web:1", port: 8080, dependsOn: ["hello"] },
      { name: "hello", chart: { path: "charts/hello", values } },
    ],
  });
}

let binary: string | undefined;
let root = "";
let home = "";
let store: StateStore | undefined;
beforeAll(async () => {
  binary = findHelm();
  // The chart beside a spec file of its own: the test edits it between revisions.
  root = mkdtempSync(join(tmpdir(), "codeploy-chart-root-"));
  cpSync(FIXTURES, join(root, "charts"), { recursive: true });
  home = mkdtempSync(join(tmpdir(), "codeploy-chart-home-"));
  store = await openStateStore({ home });
});
afterAll(async () => {
  await store?.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

describe("a service that names a local Helm chart, on a real control plane", () => {
  const cluster = useKubeCluster(() => binary !== undefined);

  it("installs, upgrades, rolls back with helm rollback, survives a failed upgrade, shows status and uninstalls", {
    timeout: 300_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!binary || !kube || !store) return ctx.skip();
    const provider: Provider = realProvider(kube, { helm: { binary }, chartRoot: root });
    const deps = {
      store,
      providerFor: () => provider,
      render: (s: DeploymentSpec) => render(s),
      hashArtifacts,
    };
    const first = specWith({ image: "acme/hello:1", replicas: 2 });
    const ns = namespaceOf(first);
    const env = { ...process.env, KUBECONFIG: kube.kubeconfigPath };
    const history = async () =>
      (
        JSON.parse(await helm(binary as string, ["history", RELEASE, "-n", ns, "-o", "json"], env)) as {
          revision: number;
          status: string;
          description: string;
        }[]
      ).map((h) => `${h.revision} ${h.status}`);
    const template = async () =>
      at(await getJson(kube, "configmap", `${RELEASE}-greeting`, ns), "data", "template");

    // Install: codeploy's own objects and the chart's release side by side in the app's namespace.
    const one = await deploy({ spec: first, actor: "test" }, deps);
    expect(one.deployment.error ?? "").toBe("");
    expect(one.deployment.outcome).toBe("succeeded");
    expect(await history()).toEqual(["1 deployed"]);
    const hello = await getJson(kube, "deployment", "hello", ns);
    expect(at(hello, "status", "availableReplicas")).toBe(2);
    expect(at(hello, "metadata", "annotations", "meta.helm.sh/release-name")).toBe(RELEASE);
    expect(await imageOf(kube, "hello", ns)).toBe("acme/hello:1");
    expect(await imageOf(kube, "web", ns)).toBe("acme/web:1");
    // No Deployment of CODE's own for the chart service, and the release carries the owner labels.
    // (Helm keeps release labels on its storage records only.)
    const records = await getJson(kube, "secret", "", ns, ["-l", `owner=helm,name=${RELEASE}`]);
    expect(at(records, "items", 0, "metadata", "labels")).toMatchObject({
      "app.kubernetes.io/managed-by": "codeploy",
      "app.kubernetes.io/part-of": "chartapp",
      "codeploy.dev/environment": "dev",
      "codeploy.dev/service": "hello",
    });

    // Upgrade with new values and a changed chart folder.
    const chartFile = join(root, "charts/hello/templates/configmap.yaml");
    writeFileSync(chartFile, readFileSync(chartFile, "utf8").replace('template: "v1"', 'template: "v2"'));
    const second = specWith({ image: "acme/hello:2", replicas: 2 });
    const two = await deploy({ spec: second, actor: "test" }, deps);
    expect(two.deployment.outcome).toBe("succeeded");
    expect(await history()).toEqual(["1 superseded", "2 deployed"]);
    expect(await imageOf(kube, "hello", ns)).toBe("acme/hello:2");
    expect(await template()).toBe("v2");

    // codeploy rollback to revision 1: helm rollback brings back revision 1's chart and values,
    // although the chart's folder now holds the v2 template.
    const back = await rollbackTo({ ...APP, actor: "test", toRevision: one.revision.number }, deps);
    expect(back.deployment.outcome).toBe("succeeded");
    expect(await history()).toEqual(["1 superseded", "2 superseded", "3 deployed"]);
    expect(await imageOf(kube, "hello", ns)).toBe("acme/hello:1");
    expect(await template()).toBe("v1");

    // Status: the release is reported as the service's.
    const observed = await provider.observe({ ...APP, spec: first, signal: AbortSignal.timeout(30_000) });
    expect(observed.find((r) => r.kind === "HelmRelease" && r.name === "hello")?.status).toBe("running");
    expect(observed.some((r) => r.kind === "Deployment" && r.name === "hello")).toBe(false);

    // A failing upgrade (pods that crash): --atomic puts the last good revision back, the engine rolls back.
    const impatient = realProvider(kube, { helm: { binary }, chartRoot: root, rolloutTimeoutMs: 10_000 });
    const failed = await deploy(
      { spec: specWith({ image: "acme/hello:crashloop", replicas: 2 }), actor: "test" },
      { ...deps, providerFor: () => impatient },
    );
    expect(failed.deployment.outcome).toBe("rolled-back");
    expect(failed.deployment.error).toMatch(new RegExp(`helm upgrade of release ${RELEASE} in .+ failed`));
    expect(await imageOf(kube, "hello", ns)).toBe("acme/hello:1");
    expect((await history()).at(-1)).toMatch(/deployed$/);

    // Destroy: helm uninstall, then the namespace goes.
    const gone = await destroyEnvironment({ ...APP, actor: "test" }, deps);
    expect(gone.deployment.outcome).toBe("succeeded");
    expect(await helm(binary, ["list", "-A", "-q"], env)).not.toContain(RELEASE);
    expect(await objectExists(kube, "namespace", ns)).toBe(false);
  });

  it("refuses a release of that name that carries no owner labels, and takes it over on --adopt", {
    timeout: 180_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!binary || !kube || !store) return ctx.skip();
    const shared = "shared-charts";
    const squatter = chartReleaseName({ app: "squat", environment: "dev" }, "hello");
    const env = { ...process.env, KUBECONFIG: kube.kubeconfigPath };
    await kube.kubectl(["create", "namespace", shared]);
    await helm(binary, ["install", squatter, join(root, "charts/hello"), "-n", shared, "--wait"], env);
    const spec = validateSpec({
      name: "squat",
      target: "kubernetes",
      services: [{ name: "hello", chart: { path: "charts/hello", values: { image: "acme/hello:9" } } }],
    });
    const provider = realProvider(kube, { helm: { binary }, chartRoot: root, namespace: shared });
    const deps = {
      store,
      providerFor: () => provider,
      render: (s: DeploymentSpec) => render(s),
      hashArtifacts,
    };
    const refused = await deploy({ spec, actor: "test", onFailure: "stop" }, deps);
    expect(refused.deployment.outcome).toBe("failed");
    expect(refused.result.failure?.error.code).toBe("OWNERSHIP_CONFLICT");
    expect(refused.deployment.error).toMatch(
      new RegExp(
        `Helm release ${squatter} in namespace ${shared} exists and is not squat/dev's: it carries no owner labels`,
      ),
    );
    expect(await imageOf(kube, "hello", shared)).toBe("example/hello:1");

    const adopted = await deploy({ spec, actor: "test", adopt: true }, deps);
    expect(adopted.deployment.outcome).toBe("succeeded");
    expect(await imageOf(kube, "hello", shared)).toBe("acme/hello:9");
    const gone = await destroyEnvironment({ app: "squat", environment: "dev", actor: "test" }, deps);
    expect(gone.deployment.outcome).toBe("succeeded");
    expect(await helm(binary, ["list", "-n", shared, "-q"], env)).not.toContain(squatter);
    await kube.kubectl(["delete", "namespace", shared, "--wait=false"]);
  });
});
