#!/usr/bin/env node
// Events across processes on Postgres: the time from a commit of step events through one
// store (as a worker or another server would write them) to their arrival at SSE clients of
// another server, through LISTEN/NOTIFY (the commit feed) and, for comparison, through
// polling every 500 ms (a server without the feed). Also the feed server's store reads per
// commit with many clients. A throwaway Postgres from /usr/lib/postgresql/<v>/bin (or
// DATABASE_URL), loopback only. Runs against dist/ (`npm run build`).
// Usage: node scripts/bench-events.mjs [--commits 100] [--clients 50]
import { execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = process.env.CODEPLOY_DIST ?? join(root, "dist");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const COMMITS = arg("commits", 100);
const CLIENTS = arg("clients", 50);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const line = (name, value) => console.log(`${name.padEnd(52)} ${value}`);

/** initdb + postgres on a private socket, as the tests' helper does; undefined when not installed. */
async function throwawayPostgres() {
  const base = "/usr/lib/postgresql";
  const version = existsSync(base)
    ? readdirSync(base)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => b - a)[0]
    : undefined;
  if (version === undefined) return undefined;
  const bin = join(base, version, "bin");
  const dir = mkdtempSync(join(tmpdir(), "codeploy-bench-events-"));
  const sock = join(dir, "sock");
  mkdirSync(sock);
  let ids = {};
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }));
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }));
    chownSync(dir, uid, gid);
    chownSync(sock, uid, gid);
    ids = { uid, gid };
  }
  const data = join(dir, "data");
  execFileSync(join(bin, "initdb"), ["-D", data, "-U", "codeploy", "-A", "trust", "--no-sync"], {
    ...ids,
    cwd: dir,
    stdio: "ignore",
  });
  const port = 20_000 + Math.floor(Math.random() * 40_000);
  const child = spawn(
    join(bin, "postgres"),
    ["-D", data, "-k", sock, "-p", String(port), "-c", "listen_addresses=", "-c", "fsync=off"],
    {
      ...ids,
      cwd: dir,
      stdio: "ignore",
    },
  );
  const url = `postgres://codeploy@localhost:${port}/postgres?host=${encodeURIComponent(sock)}`;
  const { default: pg } = await import("pg");
  for (let i = 0; ; i++) {
    const c = new pg.Client({ connectionString: url });
    try {
      await c.connect();
      await c.end();
      break;
    } catch {
      if (i > 300) throw new Error("postgres did not start");
      await sleep(100);
    }
  }
  return {
    url,
    stop: async () => {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGINT");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function main() {
  const pgServer = process.env.DATABASE_URL
    ? { url: process.env.DATABASE_URL, stop: async () => {} }
    : await throwawayPostgres();
  if (pgServer === undefined) {
    console.log("bench-events: no Postgres (set DATABASE_URL or install postgresql): skipped");
    return;
  }
  const { openStateStore } = await import(join(dist, "state/index.js"));
  const { listenForCommits } = await import(join(dist, "state/commit-feed-postgres.js"));
  const { startServer } = await import(join(dist, "server/server.js"));
  const { silentLogger } = await import(join(dist, "server/logger.js"));
  const { createApiClient } = await import(join(dist, "service/api-client.js"));
  const writer = await openStateStore({ url: pgServer.url });
  try {
    const { token } = await writer.apiKeys.create({ name: "bench", role: "admin", createdBy: "bench" });
    for (const mode of ["notify", "poll"]) {
      const store = await openStateStore({ url: pgServer.url });
      const feed = mode === "notify" ? await listenForCommits(pgServer.url) : undefined;
      const server = await startServer({
        store,
        port: 0,
        logger: silentLogger,
        pollMs: 500,
        eventCheckMs: 60_000,
        ...(feed ? { commitFeed: feed } : {}),
      });
      try {
        if (feed) while (!feed.connected) await sleep(10);
        for (const clients of [1, CLIENTS])
          await measure(mode, clients, writer, server, createApiClient, token);
      } finally {
        await server.close(1000);
        await feed?.close();
        await store.close();
      }
    }
  } finally {
    await writer.close();
    await pgServer.stop();
  }
}

/** One deployment written through `writer`; `clients` SSE streams on `server`; commit -> arrival times. */
async function measure(mode, clients, writer, server, createApiClient, token) {
  const key = { app: `bench-${mode}-${clients}`, environment: "dev" };
  const revision = await writer.createRevision({ ...key, spec: {}, actor: "bench" });
  const id = randomUUID();
  const lock = await writer.acquireLock(key, { actor: "bench", deploymentId: id });
  await writer.startDeployment({ ...key, id, revision: revision.number, action: "apply", actor: "bench" });
  const committed = new Map();
  const latencies = [];
  const client = createApiClient({ baseUrl: server.url, token });
  const streams = Array.from({ length: clients }, async () => {
    for await (const item of client.events(id)) {
      if (item.kind !== "event") continue;
      const at = committed.get(item.event.seq);
      if (at !== undefined) latencies.push(performance.now() - at);
    }
  });
  await sleep(300); // the streams are open and following
  const readsBefore = server.api.hub?.reads ?? 0;
  for (let seq = 1; seq <= COMMITS; seq++) {
    // From the call: the notice can reach the other server before the commit's reply reaches us.
    committed.set(seq, performance.now());
    await writer.appendEvents([{ deploymentId: id, type: "log", message: `line ${seq}` }]);
    await sleep(20);
  }
  await writer.finishDeployment(id, "succeeded");
  await writer.releaseLock(lock);
  await Promise.all(streams);
  const reads = (server.api.hub?.reads ?? 0) - readsBefore;
  const label = `${mode === "notify" ? "LISTEN/NOTIFY" : "polling 500 ms"}, ${clients} client(s)`;
  line(
    `commit -> SSE client, ${label}: p50 / p95`,
    `${pct(latencies, 50).toFixed(1)} ms / ${pct(latencies, 95).toFixed(1)} ms (${latencies.length} deliveries)`,
  );
  if (mode === "notify") line(`  store reads by the hub for ${COMMITS + 1} commits`, String(reads));
}

await main();
