/**
 * Planning runs in worker threads, so a large plan does not stop the server
 * from answering: /healthz is sampled while big plans run, once with the
 * worker pool and once with planning in the server's own thread (the
 * control, which shows what the sampling catches when the loop is blocked).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterAll, describe, expect, it } from "vitest";
import { openStateStore } from "../state/store.js";
import type { StateStore } from "../state/types.js";
import { keyFor, serverConfig } from "./__fixtures__/harness.js";
import { silentLogger } from "./logger.js";
import { type RunningServer, startServer } from "./server.js";

const SERVICES = 500;
const PLANS = 8;

function bigSpec(name: string) {
  return {
    name,
    environment: "staging",
    target: "kubernetes",
    services: Array.from({ length: SERVICES - 2 }, (_, i) => ({
      name: `svc-${i}`,
      image: `ghcr.io/acme/svc-${i}:1.${i}`,
      port: 8080,
      replicas: 2,
      healthCheck: { path: "/healthz" },
      dependsOn: ["postgres", "redis"],
    })),
    databases: [{ name: "postgres", engine: "postgres", version: "16" }],
    caches: [{ name: "redis", engine: "redis" }],
  };
}

const percentile = (xs: readonly number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function server(planWorkers: number): Promise<{ s: RunningServer; store: StateStore; token: string }> {
  const home = await mkdtemp(join(tmpdir(), "codeploy-loop-"));
  const store = await openStateStore({ home });
  const s = await startServer({
    store,
    port: 0,
    logger: silentLogger,
    config: serverConfig({ planWorkers, bodyLimitBytes: 8 * 1024 * 1024, accessLog: false }),
  });
  cleanups.push(
    () => rm(home, { recursive: true, force: true }),
    () => store.close(),
    () => s.close(0),
  );
  return { s, store, token: await keyFor(store, "planner", "deployer") };
}

/** Samples /healthz one request after another while `PLANS` big plans run; latencies in ms. */
async function sampleWhilePlanning(planWorkers: number) {
  const { s, token } = await server(planWorkers);
  const body = JSON.stringify({ spec: bigSpec("loop") });
  const plan = () =>
    fetch(`${s.url}/v1/plan`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body,
    }).then((r) => r.status);
  await plan(); // warm up: workers started, code compiled
  const latencies: number[] = [];
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let planning = true;
  const started = performance.now();
  const plans = Promise.all(Array.from({ length: PLANS }, plan)).finally(() => {
    planning = false;
  });
  for (let i = 0; i < 5000 && planning; i++) {
    const t = performance.now();
    const res = await fetch(`${s.url}/healthz`);
    await res.arrayBuffer();
    latencies.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 5));
  }
  const statuses = await plans;
  const planMs = performance.now() - started;
  loop.disable();
  return {
    statuses,
    planMs,
    samples: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
    loopMaxMs: loop.max / 1e6,
    loopP99Ms: loop.percentile(99) / 1e6,
  };
}

describe("the event loop while big plans run", () => {
  it("answers /healthz quickly with planning in worker threads, unlike planning in-process", async () => {
    const pooled = await sampleWhilePlanning(2);
    const inline = await sampleWhilePlanning(0);
    const show = (name: string, r: typeof pooled) =>
      `${name}: ${PLANS} plans of ${SERVICES} components in ${r.planMs.toFixed(0)} ms; /healthz ${r.samples} samples, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms; event-loop delay p99 ${r.loopP99Ms.toFixed(1)} ms, max ${r.loopMaxMs.toFixed(1)} ms`;
    console.log(show("worker pool", pooled));
    console.log(show("in-process (control)", inline));
    expect(pooled.statuses).toEqual(Array(PLANS).fill(200));
    expect(inline.statuses).toEqual(Array(PLANS).fill(200));
    // A relative check, not a timing target (those are printed by `npm run bench`): with the
    // plans in workers, /healthz answers within what a single in-process plan stalls the loop for.
    // What still runs on the loop is the request's schema check.
    expect(pooled.p99).toBeLessThan(inline.max);
    expect(inline.loopMaxMs).toBeGreaterThan(pooled.loopP99Ms);
  }, 120_000);
});
