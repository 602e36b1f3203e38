/**
 * The deployment queue on a real Postgres: the claim's order and exclusivity
 * rules (state/jobs.ts), concurrent claimers (SKIP LOCKED), lease expiry and
 * retries, and the worker's drain and lease-lost paths (queue/worker.ts).
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { type JobResult, QueueWorker } from "../src/queue/index.js";
import type { JobStore } from "../src/state/jobs.js";
import { openStateStore } from "../src/state/store.js";
import type { StateStore } from "../src/state/types.js";
import { startPostgres } from "./helpers/postgres.js";

const server = await startPostgres();
const stores: StateStore[] = [];

afterAll(async () => {
  for (const s of stores) await s.close();
  await server?.stop();
});

let store: StateStore;
let jobs: JobStore;
let url: string;

beforeEach(async () => {
  if (server === undefined) return;
  url = await server.createDatabase();
  store = await openStateStore({ url });
  stores.push(store);
  if (store.jobs === undefined) throw new Error("no job store on Postgres");
  jobs = store.jobs;
});

const job = (id: string, app: string) => ({
  id,
  app,
  environment: "staging",
  actor: "key:test",
  caller: { role: "admin" },
  request: { input: { spec: { name: app } } },
});

const until = async (what: () => boolean | Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe.skipIf(server === undefined)("the deployment queue on Postgres", () => {
  it("is not offered on SQLite", async () => {
    const sqlite = await openStateStore({ home: await mkdtemp(join(tmpdir(), "codeploy-queue-")) });
    stores.push(sqlite);
    expect(sqlite.jobs).toBeUndefined();
  });

  it("claims in submission order, one job per app and environment at a time", async () => {
    await jobs.enqueue(job("a1", "a"));
    await jobs.enqueue(job("a2", "a"));
    const { ahead } = await jobs.enqueue(job("b1", "b"));
    expect(ahead).toBe(2);
    expect((await jobs.claim("w1", 10_000))?.id).toBe("a1");
    // a2 waits behind the claimed a1; b1 is free.
    expect((await jobs.claim("w2", 10_000))?.id).toBe("b1");
    expect(await jobs.claim("w3", 10_000)).toBeUndefined();
    expect(await jobs.finish("a1", "w2", "done")).toBe(false); // not w2's
    expect(await jobs.finish("a1", "w1", "done")).toBe(true);
    expect((await jobs.claim("w3", 10_000))?.id).toBe("a2");
    expect(await jobs.depth()).toBe(0);
  });

  it("skips an app and environment under a live lock (a CLI apply), and takes it once released", async () => {
    const lock = await store.acquireLock({ app: "c", environment: "staging" }, { actor: "cli:me" });
    await jobs.enqueue(job("c1", "c"));
    expect(await jobs.claim("w1", 10_000)).toBeUndefined();
    await store.releaseLock(lock);
    expect((await jobs.claim("w1", 10_000))?.id).toBe("c1");
  });

  it("gives each job to exactly one of many concurrent claimers", async () => {
    for (let i = 0; i < 30; i++) await jobs.enqueue(job(`j${i}`, `app-${i}`));
    const others = await Promise.all(
      [1, 2, 3].map(async () => {
        const s = await openStateStore({ url });
        stores.push(s);
        return s.jobs as JobStore;
      }),
    );
    const claimed = await Promise.all(
      [jobs, ...others].map(async (j, w) => {
        const mine: string[] = [];
        for (let k = 0; k < 30; k++) {
          const got = await j.claim(`w${w}`, 10_000);
          if (got) mine.push(got.id);
        }
        return mine;
      }),
    );
    const all = claimed.flat();
    expect(all).toHaveLength(30);
    expect(new Set(all).size).toBe(30);
  });

  it("records a job whose lease ran out as interrupted, frees its lock and retries it in its place", async () => {
    await jobs.enqueue(job("d1", "d"));
    await jobs.enqueue(job("d2", "d"));
    const claimed = await jobs.claim("dead", 1);
    expect(claimed?.id).toBe("d1");
    await store.acquireLock({ app: "d", environment: "staging" }, { actor: "w", deploymentId: "d1" });
    await new Promise((r) => setTimeout(r, 20));
    const { interrupted, retried } = await jobs.reap(2);
    expect(interrupted.map((j) => j.id)).toEqual(["d1"]);
    expect(retried).toHaveLength(1);
    const retry = retried[0];
    expect(retry?.attempt).toBe(2);
    expect(retry?.retryOf).toBe("d1");
    expect((await jobs.get("d1"))?.retriedAs).toBe(retry?.id);
    expect(await store.getLock({ app: "d", environment: "staging" })).toBeUndefined();
    expect(await jobs.renew("d1", "dead", 1000)).toBe(false);
    // The retry comes before d2, which was submitted after d1.
    expect((await jobs.claim("w1", 1))?.id).toBe(retry?.id);
    await new Promise((r) => setTimeout(r, 20));
    // The last attempt is not retried again.
    expect((await jobs.reap(2)).retried).toEqual([]);
  });

  it("drains: running jobs cancelled after the grace period are handed back as new attempts", async () => {
    await jobs.enqueue(job("e1", "e"));
    await jobs.enqueue(job("f1", "f"));
    const worker = new QueueWorker({
      jobs,
      name: "drainer",
      leaseMs: 3000,
      pollMs: 20,
      run: (_job, signal) =>
        new Promise<JobResult>((resolve) =>
          signal.addEventListener("abort", () => resolve({ end: "done", outcome: "cancelled" })),
        ),
    });
    worker.start();
    await until(() => worker.running === 2);
    const report = await worker.drain(50);
    expect(report).toEqual({ finished: 0, handedBack: 2 });
    for (const id of ["e1", "f1"]) {
      const j = await jobs.get(id);
      expect(j?.state).toBe("handed-back");
      expect(j?.retriedAs).toBeDefined();
    }
    expect(await jobs.depth()).toBe(2);
  });

  it("stops a run whose lease another worker took, and records nothing for it", async () => {
    await jobs.enqueue(job("g1", "g"));
    const ends: string[] = [];
    let aborted: unknown;
    const worker = new QueueWorker({
      jobs,
      name: "late",
      leaseMs: 300,
      pollMs: 20,
      hooks: { onEnd: (_j, end) => ends.push(end) },
      run: (_job, signal) =>
        new Promise<JobResult>((resolve) =>
          signal.addEventListener("abort", () => {
            aborted = signal.reason;
            resolve({ end: "done", outcome: "cancelled" });
          }),
        ),
    });
    worker.start();
    await until(() => worker.running === 1);
    // As the reaper of another worker would after the lease ran out.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("update deployment_jobs set state = 'interrupted' where id = 'g1'");
    await client.end();
    await until(() => ends.length === 1);
    expect(ends).toEqual(["lease-lost"]);
    expect(String(aborted)).toMatch(/lease/);
    expect((await jobs.get("g1"))?.state).toBe("interrupted");
    await worker.drain(0);
  });
});
