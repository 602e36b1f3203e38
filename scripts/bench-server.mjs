#!/usr/bin/env node
// `codeploy serve` under load: an authenticated GET /v1/deployments/:id (API key, SQLite store,
// rate limiter and metrics in the path) at a fixed rate with autocannon on loopback, p50/p99
// latency, and the throughput ratio to a bare node:http server answering the same bytes.
// Each server runs in its own child process so autocannon does not share its event loop.
// Runs against dist/ (`npm run build`). Usage: node scripts/bench-server.mjs [--rate 2000] [--seconds 10]
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// CODEPLOY_DIST: a build elsewhere than dist/ (for measuring a work tree without touching dist/).
const dist = process.env.CODEPLOY_DIST ?? join(root, "dist");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

if (process.argv[2] === "--serve") await serve(process.argv[3]);
else await main();

/** Child: start one server, print {url, path, token} on stdout, run until killed. */
async function serve(kind) {
  const home = mkdtempSync(join(tmpdir(), "codeploy-bench-server-"));
  process.on("SIGTERM", () => {
    rmSync(home, { recursive: true, force: true });
    process.exit(0);
  });
  const { openStateStore } = await import(join(dist, "state/index.js"));
  const { startServer } = await import(join(dist, "server/server.js"));
  const { jsonLogger, silentLogger } = await import(join(dist, "server/logger.js"));
  const { providerResolver } = await import(join(dist, "server/providers.js"));
  const { configSchema } = await import(join(dist, "core/config.js"));
  const devNull = createWriteStream("/dev/null");
  const store = await openStateStore({ home });
  const { token } = await store.apiKeys.create({ name: "bench", role: "admin", createdBy: "bench" });
  const config = configSchema.parse({ server: { rateLimit: { requestsPerMinute: 1e9, burst: 1e9 } } }).server;
  const api = await startServer({
    store,
    port: 0,
    config,
    // "api-log": the default access log, serialised and written (to /dev/null, not the terminal).
    logger: kind === "api-log" ? jsonLogger((line) => devNull.write(line)) : silentLogger,
    providers: providerResolver({ forced: "null" }),
  });
  const spec = { name: "bench", environment: "staging", services: [{ name: "web", image: "nginx:1.27" }] };
  const res = await fetch(`${api.url}/v1/deployments`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ spec, acceptRisk: true }),
  });
  const { id } = await res.json();
  await api.api.runs.idle();
  const path = `/v1/deployments/${id}`;
  if (kind !== "bare") {
    console.log(JSON.stringify({ url: api.url, path, token }));
    return;
  }
  // The bare server answers exactly the bytes (and content type) the API answers.
  const answer = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const body = Buffer.from(await answer.arrayBuffer());
  await api.close(0);
  const bare = createServer((_req, out) => {
    out.writeHead(200, { "content-type": "application/json", "content-length": body.length });
    out.end(body);
  });
  bare.listen(0, "127.0.0.1", () => {
    console.log(JSON.stringify({ url: `http://127.0.0.1:${bare.address().port}`, path, token }));
  });
}

function startChild(kind) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--serve", kind], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve({ child, ...JSON.parse(line) });
    });
    child.once("exit", (code) => reject(new Error(`bench ${kind} server exited ${code}`)));
  });
}

async function load(target, options) {
  const { default: autocannon } = await import("autocannon");
  const result = await autocannon({
    url: `${target.url}${target.path}`,
    headers: { authorization: `Bearer ${target.token}` },
    connections: 16,
    duration: options.seconds,
    ...(options.rate ? { overallRate: options.rate } : {}),
  });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    bad: result.non2xx + result.errors + result.timeouts,
  };
}

async function main() {
  if (!existsSync(join(dist, "server/server.js"))) {
    console.error("bench-server: dist/ is missing: run `npm run build` first");
    process.exit(2);
  }
  const rate = arg("rate", 2000);
  const seconds = arg("seconds", 10);
  const line = (name, value, target) =>
    console.log(`${name.padEnd(44)} ${value.padStart(14)}   ${target ? `target ${target}` : ""}`);
  const results = {};
  for (const kind of ["api", "api-log", "bare"]) {
    const target = await startChild(kind);
    try {
      await load(target, { seconds: 2 }); // warm up (JIT, SQLite page cache, key cache)
      results[kind] = {
        fixed: await load(target, { seconds, rate }),
        max: await load(target, { seconds }),
      };
    } finally {
      target.child.kill("SIGTERM");
    }
  }
  const { api, bare } = results;
  const logged = results["api-log"];
  // autocannon records whole milliseconds: 0 means under 1 ms.
  const ms = (v) => (v < 1 ? "< 1 ms" : `${v} ms`);
  line(`server GET deployment @${rate}/s p50`, ms(api.fixed.p50));
  line(`server GET deployment @${rate}/s p99`, ms(api.fixed.p99), "< 10 ms");
  line(`server GET deployment @${rate}/s achieved`, `${Math.round(api.fixed.rps)} req/s`, `${rate} req/s`);
  line(
    `  with the access log @${rate}/s p50 / p99`,
    `${ms(logged.fixed.p50)} / ${ms(logged.fixed.p99)}`,
    "< 10 ms",
  );
  line("bare node:http same bytes p50 / p99", `${ms(bare.fixed.p50)} / ${ms(bare.fixed.p99)}`);
  line("server max throughput", `${Math.round(api.max.rps)} req/s`);
  line("  with the access log", `${Math.round(logged.max.rps)} req/s`);
  line("bare node:http max throughput", `${Math.round(bare.max.rps)} req/s`);
  line("throughput ratio server / bare", `${(api.max.rps / bare.max.rps).toFixed(2)}`);
  const bad = [api, logged].reduce((n, r) => n + r.fixed.bad + r.max.bad, 0);
  if (bad > 0) line("server non-2xx, errors or timeouts", String(bad), "0");
}
