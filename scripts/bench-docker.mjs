#!/usr/bin/env node
// Bench (issue 5, item 8): deploy a 5-service app with 2 replicas each through CODE's docker provider,
// against a shell script of the equivalent sequential `podman run` calls (each followed, like CODE, by a
// wait until the replica answers over HTTP). Both talk to the same throwaway podman API service, started
// by the test harness; prints both wall times and their ratio (target <= 1.0: CODE runs steps in parallel).
// Runs the TypeScript sources through tsx (the harness lives in test/, outside dist/).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { register } from "tsx/esm/api";

register();
const root = new URL("..", import.meta.url).pathname;
const { startPodman, TEST_IMAGES } = await import(join(root, "test/helpers/podman.ts"));
const { createDockerProvider } = await import(join(root, "src/providers/docker/index.ts"));
const { deploy, destroyEnvironment } = await import(join(root, "src/engine/deploy.ts"));
const { hashArtifacts, render } = await import(join(root, "src/render/index.ts"));
const { validateSpec } = await import(join(root, "src/spec/validate.ts"));
const { openStateStore } = await import(join(root, "src/state/index.ts"));

const SERVICES = 5;
const REPLICAS = 2;
const ROUNDS = Number(process.env.BENCH_DOCKER_ROUNDS ?? 3);

const line = (name, value, target) =>
  console.log(`${name.padEnd(44)} ${value.padStart(14)}   ${target ? `target ${target}` : ""}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function spec() {
  return validateSpec({
    name: "bench",
    environment: "dev",
    services: Array.from({ length: SERVICES }, (_, i) => ({
      name: `svc-${i}`,
      image: TEST_IMAGES.v1,
      port: 8080,
      replicas: REPLICAS,
      healthCheck: { path: "/" },
    })),
  });
}

async function codeRound(pm, home) {
  const store = await openStateStore({ home });
  const provider = createDockerProvider({ host: pm.host, stopTimeoutSeconds: 1 });
  const deps = {
    store,
    providerFor: () => provider,
    render: (s) => render(s, { secretSeed: "bench" }),
    hashArtifacts,
  };
  try {
    const start = performance.now();
    const out = await deploy({ spec: spec(), actor: "bench" }, deps);
    const ms = performance.now() - start;
    if (out.deployment.outcome !== "succeeded")
      throw new Error(`CODE deploy ${out.deployment.outcome}: ${out.deployment.error}`);
    await destroyEnvironment({ app: "bench", environment: "dev", actor: "bench" }, deps);
    return ms;
  } finally {
    await store.close();
  }
}

function shellScript(pm) {
  const runs = [];
  for (let s = 0; s < SERVICES; s++) {
    for (let r = 0; r < REPLICAS; r++) {
      const name = `sh-svc-${s}-${r}`;
      runs.push(
        `$P run -d --name ${name} --network bench-sh --network-alias svc-${s} --init -p 127.0.0.1::8080 --label app=bench-sh ${TEST_IMAGES.v1} >/dev/null`,
        `port=$($P port ${name} 8080/tcp | sed 's/.*://')`,
        `until curl -fsS -o /dev/null "http://127.0.0.1:$port/"; do sleep 0.05; done`,
      );
    }
  }
  return [
    "set -eu",
    `P="podman --remote --url ${pm.host}"`,
    "$P network create bench-sh >/dev/null",
    ...runs,
  ].join("\n");
}

function shellCleanup(pm) {
  return [
    `P="podman --remote --url ${pm.host}"`,
    "$P rm -f -t 0 $($P ps -aq --filter label=app=bench-sh) >/dev/null 2>&1 || true",
    "$P network rm bench-sh >/dev/null 2>&1 || true",
  ].join("\n");
}

function shellRound(pm, dir) {
  const script = join(dir, "deploy.sh");
  writeFileSync(script, shellScript(pm));
  const start = performance.now();
  const run = spawnSync("bash", [script], { encoding: "utf8" });
  const ms = performance.now() - start;
  if (run.status !== 0) throw new Error(`shell deploy failed: ${run.stderr}`);
  spawnSync("bash", ["-c", shellCleanup(pm)]);
  return ms;
}

const pm = await startPodman();
if (!pm) {
  console.log("bench-docker: skipped (podman or busybox-static missing)");
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), "cdp-bench-docker-"));
try {
  line("podman service start + test images", `${pm.timings.serviceMs + pm.timings.imagesMs} ms`);
  const code = [];
  const shell = [];
  for (let i = 0; i < ROUNDS; i++) {
    code.push(await codeRound(pm, mkdtempSync(join(dir, "state-"))));
    shell.push(shellRound(pm, dir));
  }
  const c = median(code);
  const s = median(shell);
  line(`docker: ${SERVICES}x${REPLICAS} deploy, CODE (median of ${ROUNDS})`, `${c.toFixed(0)} ms`);
  line(`docker: ${SERVICES}x${REPLICAS} podman run script (median)`, `${s.toFixed(0)} ms`);
  line("docker: CODE / sequential script", (c / s).toFixed(2), "<= 1.0");
} finally {
  rmSync(dir, { recursive: true, force: true });
  await pm.stop();
}
