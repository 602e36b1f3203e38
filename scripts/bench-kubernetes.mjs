#!/usr/bin/env node
// Bench (issue 6): the Kubernetes provider's own overhead. Deploys a 20-service app (plus postgres, redis and a
// bucket) through the engine and the provider against the fake API server of the tests (HTTPS on loopback,
// rollouts that finish after 5 ms), then destroys it. Prints the time to load @kubernetes/client-node (paid on
// first use only, never at CLI start), the deploy and destroy wall times, and the API requests per deploy.
// Runs the TypeScript sources through tsx (the fake server lives in test/, outside dist/).
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
