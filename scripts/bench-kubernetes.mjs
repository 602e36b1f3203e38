#!/usr/bin/env node
// Bench (issue 6): the Kubernetes provider's own overhead. Deploys a 20-service app (plus postgres, redis and a
// bucket) through the engine and the provider against the fake API server of the tests (HTTPS on loopback,
// rollouts that finish after 5 ms), then destroys it. Prints the time to load @kubernetes/client-node (paid on
// first use only, never at CLI start), the deploy and destroy wall times, and the API requests per deploy.
// Then the same deploy and destroy on the real control plane of scripts/kube-up.sh (etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler, kwok): $CODEPLOY_TEST_KUBECONFIG when one runs, else one started
// for the bench (binaries must be cached: scripts/kube-build.sh). Without it that part says why and is skipped.
// Runs the TypeScript sources through tsx (the fake server lives in test/, outside dist/).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { register } from "tsx/esm/api";

register();
const root = new URL("..", import.meta.url).pathname;
const { startFakeKubeApiServer } = await import(join(root, "test/helpers/fake-kube-apiserver.ts"));
const { createKubernetesProvider } = await import(join(root, "src/providers/kubernetes/index.ts"));
const { loadClientLibrary } = await import(join(root, "src/providers/kubernetes/kubeconfig.ts"));
const { deploy, destroyEnvironment } = await import(join(root, "src/engine/deploy.ts"));
const { hashArtifacts, render } = await import(join(root, "src/render/index.ts"));
const { validateSpec } = await import(join(root, "src/spec/validate.ts"));
const { openStateStore } = await import(join(root, "src/state/index.ts"));

const SERVICES = 20;
const ROUNDS = Number(process.env.BENCH_KUBERNETES_ROUNDS ?? 3);
const line = (name, value, target) =>
  console.log(`${name.padEnd(44)} ${value.padStart(14)}   ${target ? `target ${target}` : ""}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const spec = validateSpec({
  name: "bench",
  environment: "dev",
  target: "kubernetes",
  services: Array.from({ length: SERVICES }, (_, i) => ({
    name: `svc-${i}`,
    image: `acme/svc:${i}`,
    port: 8080,
    replicas: 2,
    dependsOn: i % 2 === 0 ? ["postgres"] : ["redis", "media"],
  })),
  databases: [{ name: "postgres", engine: "postgres" }],
  caches: [{ name: "redis", engine: "redis" }],
  buckets: [{ name: "media" }],
});

const started = performance.now();
await loadClientLibrary();
line("client-node import (first use only)", `${(performance.now() - started).toFixed(0)} ms`, "< 500 ms");

/** One deploy and destroy of the spec through the engine and the provider; returns [deploy ms, destroy ms]. */
async function deployAndDestroy(provider) {
  const home = mkdtempSync(join(tmpdir(), "codeploy-bench-k8s-"));
  const store = await openStateStore({ home });
  const deps = {
    store,
    providerFor: () => provider,
    render: (s) => render(s, { secretSeed: "bench" }),
    hashArtifacts,
  };
  try {
    let t = performance.now();
    const out = await deploy({ spec, actor: "bench" }, deps);
    const deployed = performance.now() - t;
    if (out.deployment.outcome !== "succeeded")
      throw new Error(`deploy ${out.deployment.outcome}: ${out.deployment.error}`);
    t = performance.now();
    const gone = await destroyEnvironment({ app: "bench", environment: "dev", actor: "bench" }, deps);
    if (gone.deployment.outcome !== "succeeded") throw new Error(`destroy ${gone.deployment.outcome}`);
    return [deployed, performance.now() - t];
  } finally {
    await store.close();
    rmSync(home, { recursive: true, force: true });
  }
}

const deploys = [];
const destroys = [];
let requests = 0;
for (let round = 0; round < ROUNDS; round++) {
  const fake = await startFakeKubeApiServer({ rolloutDelayMs: 5, jobDelayMs: 5, namespaceDeleteDelayMs: 5 });
  const home = mkdtempSync(join(tmpdir(), "codeploy-bench-k8s-"));
  const store = await openStateStore({ home });
  const provider = createKubernetesProvider({ kubeconfigPath: fake.kubeconfigPath, pollIntervalMs: 5 });
  const deps = {
    store,
    providerFor: () => provider,
    render: (s) => render(s, { secretSeed: "bench" }),
    hashArtifacts,
  };
  try {
    let t = performance.now();
    const out = await deploy({ spec, actor: "bench" }, deps);
    deploys.push(performance.now() - t);
    if (out.deployment.outcome !== "succeeded")
      throw new Error(`deploy ${out.deployment.outcome}: ${out.deployment.error}`);
    requests = fake.requests.length;
    t = performance.now();
    await destroyEnvironment({ app: "bench", environment: "dev", actor: "bench" }, deps);
    destroys.push(performance.now() - t);
  } finally {
    await store.close();
    await fake.close();
    rmSync(home, { recursive: true, force: true });
  }
}
line(`kubernetes deploy, ${SERVICES} services (median)`, `${median(deploys).toFixed(0)} ms`, "< 3000 ms");
line("kubernetes destroy (median)", `${median(destroys).toFixed(0)} ms`);
line("API requests per deploy", String(requests));

// The real control plane.
let kubeconfig = process.env.CODEPLOY_TEST_KUBECONFIG;
let ownDir;
if (!kubeconfig) {
  ownDir = mkdtempSync(join(tmpdir(), "codeploy-bench-kube-"));
  const t = performance.now();
  const up = spawnSync("bash", [join(root, "scripts/kube-up.sh")], {
    encoding: "utf8",
    env: { ...process.env, CODEPLOY_KUBE_DIR: ownDir, CODEPLOY_KUBE_NO_BUILD: "1" },
  });
  const last = up.stdout.trim().split("\n").at(-1) ?? "";
  if (up.status === 0 && last.startsWith("KUBECONFIG=")) {
    kubeconfig = last.slice("KUBECONFIG=".length);
    line("real control plane: cold start", `${(performance.now() - t).toFixed(0)} ms`);
  } else {
    console.log(`real control plane: skipped (${up.stderr.trim().split("\n").slice(-3).join(" / ")})`);
  }
}
if (kubeconfig) {
  const realRounds = Number(process.env.BENCH_KUBERNETES_REAL_ROUNDS ?? 2);
  const real = { deploys: [], destroys: [] };
  try {
    for (let round = 0; round < realRounds; round++) {
      const provider = createKubernetesProvider({ kubeconfigPath: kubeconfig, pollIntervalMs: 250 });
      const [d, x] = await deployAndDestroy(provider);
      real.deploys.push(d);
      real.destroys.push(x);
    }
    line(
      `real control plane: deploy, ${SERVICES} services (median)`,
      `${median(real.deploys).toFixed(0)} ms`,
    );
    line("real control plane: destroy (median)", `${median(real.destroys).toFixed(0)} ms`);
  } finally {
    if (ownDir)
      spawnSync("bash", [join(root, "scripts/kube-down.sh"), "--quiet"], {
        env: { ...process.env, CODEPLOY_KUBE_DIR: ownDir },
      });
  }
}
