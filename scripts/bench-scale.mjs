#!/usr/bin/env node
// A team installation on loopback (test/helpers/team.ts: throwaway Postgres and Redis, API servers
// `serve --role api`, workers `codeploy worker`, null provider with a step delay), for 1 and then
// 2 workers: N deployments submitted round-robin across 2 API servers as fast as they answer;
// prints deployments per minute (first submit to last outcome) and the queue wait (submitted ->
// claimed) p50/p95. Runs against dist/ (the processes are bin/codeploy.cjs).
// Usage: node scripts/bench-scale.mjs [--deployments 100] [--delay 50] [--concurrency 4]
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { tsImport } from "tsx/esm/api";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg("deployments", 100);
const DELAY = arg("delay", 50);
const CONCURRENCY = arg("concurrency", 4);
const APPS = 20;

const { startTeam, delay } = await tsImport(join(root, "test/helpers/team.ts"), import.meta.url);

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const line = (name, value) => console.log(`${name.padEnd(52)} ${value.padStart(16)}`);

async function run(workers) {
  const team = await startTeam({
    apis: 2,
    workers,
    delayMs: DELAY,
    concurrency: CONCURRENCY,
    leaseSeconds: 15,
  });
  if (team === undefined) {
    console.log("bench-scale: Postgres or Redis cannot run here (see above); skipped");
    process.exit(0);
  }
  try {
    const started = performance.now();
    const ids = [];
    for (let batch = 0; batch < N; batch += 10) {
      const answers = await Promise.all(
        Array.from({ length: Math.min(10, N - batch) }, async (_, k) => {
          const i = batch + k;
          const server = team.apis[i % team.apis.length];
          const res = await fetch(`${server.url}/v1/deployments`, {
            method: "POST",
            headers: { authorization: `Bearer ${team.token}`, "content-type": "application/json" },
            body: JSON.stringify({
              spec: {
                name: `scale-${i % APPS}`,
                environment: "staging",
                services: [{ name: "web", image: "nginx:1.27", port: 80, env: { BUILD: String(i) } }],
              },
            }),
          });
          const body = await res.json();
          if (res.status !== 202) throw new Error(`submit ${i}: ${res.status} ${JSON.stringify(body)}`);
          return body.id;
        }),
      );
      ids.push(...answers);
    }
    const submitted = performance.now() - started;
    let jobs = [];
    for (let round = 0; round < 2400; round++) {
      jobs = await Promise.all(ids.map((id) => team.store.jobs.get(id)));
      if (jobs.every((j) => j && !["queued", "claimed"].includes(j.state))) break;
      await delay(100);
    }
    const elapsed = performance.now() - started;
    const waits = jobs.map((j) => Date.parse(j.claimedAt) - Date.parse(j.submittedAt));
    const ended = jobs.filter((j) => j.state === "done").length;
    line(`${workers} worker(s): deployments per minute`, `${((ended / elapsed) * 60_000).toFixed(0)}/min`);
    line(`${workers} worker(s): queue wait p50`, `${pct(waits, 50).toFixed(0)} ms`);
    line(`${workers} worker(s): queue wait p95`, `${pct(waits, 95).toFixed(0)} ms`);
    line(`${workers} worker(s): ${N} submitted in`, `${(submitted / 1000).toFixed(1)} s`);
    line(`${workers} worker(s): all ended in`, `${(elapsed / 1000).toFixed(1)} s (${ended} done)`);
  } finally {
    await team.stop();
  }
}

console.log(
  `scale: ${N} deployments over ${APPS} apps, null provider ${DELAY} ms per step, ${CONCURRENCY} per worker, 2 API servers; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
await run(1);
await run(2);
console.log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
