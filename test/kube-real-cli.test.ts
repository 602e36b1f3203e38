/**
 * End to end through the built CLI (dist/, as installed) on the real control
 * plane (scripts/kube-up.sh): `codeploy apply "<words>" --target kubernetes
 * --yes`, then kubectl sees every object and the workloads ready,
 * `codeploy status` reports them, `codeploy destroy` removes them.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useKubeCluster } from "./helpers/kube-cluster.js";
import { at, getJson, objectExists } from "./helpers/kube-real.js";

const ROOT = new URL("..", import.meta.url).pathname;
const BIN = join(ROOT, "bin/codeploy.js");

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
