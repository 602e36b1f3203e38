/**
 * End to end through the built CLI (dist/, as installed) on the real control
 * plane (scripts/kube-up.sh): `codeploy apply "<words>" --target kubernetes
 * --yes`, then kubectl sees every object and the workloads ready,
 * `codeploy status` reports them, `codeploy destroy` removes them.
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findHelm } from "./helpers/helm.js";
import { useKubeCluster } from "./helpers/kube-cluster.js";
import { at, getJson, objectExists } from "./helpers/kube-real.js";

const ROOT = new URL("..", import.meta.url).pathname;
const BIN = join(ROOT, "bin/codeploy.cjs");

const cluster = useKubeCluster();

function codeploy(args: readonly string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 240_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const WORDS =
  "deploy the shop (image ghcr.io/acme/shop:1.4, port 8080) with postgres 16 and redis to staging on kubernetes, 2 replicas, behind https://shop.example.com";

describe("codeploy CLI against a real control plane", () => {
  it("apply in words, kubectl sees every object ready, status shows them, destroy removes them", {
    timeout: 180_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!kube) return ctx.skip();
    if (!existsSync(join(ROOT, "dist/cli/main.js"))) throw new Error("dist/ is missing: run `npm run build`");
    const env = {
      ...process.env,
      CODEPLOY_HOME: mkdtempSync(join(tmpdir(), "codeploy-kube-cli-")),
      KUBECONFIG: kube.kubeconfigPath,
      CODEPLOY_DEBUG: "",
    };
    const apply = await codeploy(["apply", WORDS, "--target", "kubernetes", "--yes", "--json"], env);
    expect(apply.stderr + apply.stdout).not.toMatch(/"type":"step-failed"/);
    expect(apply.code, apply.stderr).toBe(0);
    // The namespace as the provider reports it (step outputs), not as a test would guess it.
    const events = apply.stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const ns = events
      .map((e) => at(e, "outputs", "namespace"))
      .find((v): v is string => typeof v === "string" && v !== "");
    expect(ns).toBeTruthy();
    const namespace = String(ns);

    const table = await kube.kubectl(["get", "deploy,sts,svc,ing", "-n", namespace]);
    for (const name of ["deployment.apps/web", "statefulset.apps/postgres", "statefulset.apps/redis"])
      expect(table).toContain(name);
    expect(table).toMatch(/service\/web\s/);
    expect(table).toMatch(/ingress.networking.k8s.io\/web\s.*shop\.example\.com/);
    expect(table).toMatch(/deployment.apps\/web\s+2\/2\s+2\s+2/);
    expect(table).toMatch(/statefulset.apps\/postgres\s+1\/1/);

    const status = await codeploy(["status", "shop", "--env", "staging", "--json"], env);
    expect(status.code, status.stderr).toBe(0);
    const observed = JSON.stringify(JSON.parse(status.stdout));
    expect(observed).toMatch(/"kind":"Deployment","name":"web","status":"running"/);
    expect(observed).toMatch(/"kind":"StatefulSet","name":"postgres","status":"running"/);
    const human = await codeploy(["status", "shop", "--env", "staging"], env);
    expect(human.stdout).toMatch(/revision 1 running; last apply #1 \(revision 1\) succeeded/);
    expect(human.stdout).toContain("Deployment web: running (2 of 2 ready)");
    expect(human.stdout).toContain("StatefulSet postgres: running (1 of 1 ready)");
    expect(human.stdout).not.toContain("drift:");

    const destroy = await codeploy(["destroy", "shop", "--env", "staging", "--yes"], env);
    expect(destroy.code, destroy.stderr).toBe(0);
    expect(await objectExists(kube, "namespace", namespace)).toBe(false);
    expect(at(await getJson(kube, "namespaces", ""), "items")).not.toContainEqual(
      expect.objectContaining({ metadata: expect.objectContaining({ name: namespace }) }),
    );
  });
});

const CHART_SPEC = `name: chartcli
environment: dev
target: kubernetes
services:
  - name: web
    image: acme/web:1
    port: 8080
    dependsOn: [hello]
  - name: hello
    chart:
      path: charts/hello
      values: { image: acme/hello:3, replicas: 2 }
`;

describe("codeploy CLI: a service that names a local chart", () => {
  it("apply of a spec file finds the chart beside it, status shows the release, destroy uninstalls it; a path out of the folder is refused", {
    timeout: 180_000,
  }, async (ctx) => {
    const kube = cluster();
    const helm = findHelm();
    if (!kube || !helm) return ctx.skip();
    if (!existsSync(join(ROOT, "dist/cli/main.js"))) throw new Error("dist/ is missing: run `npm run build`");
    const project = mkdtempSync(join(tmpdir(), "codeploy-chart-project-"));
    cpSync(join(ROOT, "test/fixtures/charts"), join(project, "charts"), { recursive: true });
    const specFile = join(project, "codeploy-spec.yaml");
    writeFileSync(specFile, CHART_SPEC);
    const env = {
      ...process.env,
      CODEPLOY_HOME: mkdtempSync(join(tmpdir(), "codeploy-kube-cli-")),
      KUBECONFIG: kube.kubeconfigPath,
      CODEPLOY_HELM: helm,
      CODEPLOY_DEBUG: "",
    };
    // Run from elsewhere: the chart path is relative to the spec file, not to the working directory.
    const apply = await codeploy(["apply", specFile, "--yes"], env);
    expect(apply.code, apply.stderr + apply.stdout).toBe(0);
    expect(apply.stdout).toMatch(
      /helm upgrade --install chartcli-dev-hello-[0-9a-f]{8} \(local chart charts\/hello/,
    );

    const status = await codeploy(["status", "chartcli", "--env", "dev", "--json"], env);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.stringify(JSON.parse(status.stdout))).toMatch(
      /"kind":"HelmRelease","name":"hello","status":"running"/,
    );
    const table = await kube.kubectl(["get", "deploy", "-A"]);
    expect(table).toMatch(/\shello\s+2\/2/);

    const destroy = await codeploy(["destroy", "chartcli", "--env", "dev", "--yes"], env);
    expect(destroy.code, destroy.stderr).toBe(0);
    expect(await kube.kubectl(["get", "deploy", "-A"])).not.toMatch(/\shello\s/);

    writeFileSync(specFile, CHART_SPEC.replace("path: charts/hello", "path: ../charts/hello"));
    const refused = await codeploy(["validate", specFile], env);
    expect(refused.code).toBe(1);
    expect(refused.stdout + refused.stderr).toMatch(
      /services\[1\]\.chart\.path: must stay inside the spec file's folder/,
    );
  });
});
