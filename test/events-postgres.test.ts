/**
 * Events across processes on a real Postgres (test/helpers/postgres.ts): two
 * servers with their own stores (own pools) on one database. A deployment
 * runs on server A (null provider with a delay); server B, which does not run
 * it, streams it over SSE live and in order through LISTEN/NOTIFY, replays
 * after a reconnect with Last-Event-ID, serves many clients with one store
 * read per notice, and loses nothing when its listening connection is killed.
 *
 * B polls never (pollMs and eventCheckMs of a minute): only commit notices and
 * the feed's resync can move its streams within the test's time.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyFor } from "../src/server/__fixtures__/harness.js";
import { silentLogger } from "../src/server/logger.js";
import { providerResolver } from "../src/server/providers.js";
import { type RunningServer, startServer } from "../src/server/server.js";
import { type ApiClient, createApiClient, type StreamItem } from "../src/service/api-client.js";
import type { CommitFeed, CommitNotice } from "../src/state/commit-feed.js";
import { LISTENER_APPLICATION_NAME, listenForCommits } from "../src/state/commit-feed-postgres.js";
import { openStateStore } from "../src/state/store.js";
import type { StateStore } from "../src/state/types.js";
import { startPostgres } from "./helpers/postgres.js";

const server = await startPostgres();
const MINUTE = 60_000;

let url: string;
let storeA: StateStore;
let storeB: StateStore;
let feedB: CommitFeed;
let a: RunningServer;
let b: RunningServer;
let onA: ApiClient;
let onB: ApiClient;

const spec = (name: string) => ({
  name,
  environment: "staging",
  services: ["web", "api", "worker"].map((s) => ({
    name: s,
    kind: s === "worker" ? "worker" : "web",
    image: `acme/${s}:1`,
  })),
  databases: [{ name: "db", engine: "postgres" }],
});

const seqs = (items: readonly StreamItem[]) =>
  items.flatMap((i) => (i.kind === "event" ? [i.event.seq] : []));

async function collect(stream: AsyncGenerator<StreamItem>): Promise<StreamItem[]> {
  const items: StreamItem[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

if (server === undefined) {
  it.skip("events across processes on Postgres (no Postgres binaries, see the warning above)", () =>
    undefined);
} else {
  beforeAll(async () => {
    url = await server.createDatabase();
    storeA = await openStateStore({ url });
    storeB = await openStateStore({ url });
    feedB = await listenForCommits(url, { minReconnectMs: 300 });
    const providers = providerResolver({ forced: "null", settings: { null: { delayMs: 60 } } });
    a = await startServer({ store: storeA, port: 0, logger: silentLogger, providers });
    b = await startServer({
      store: storeB,
      port: 0,
      logger: silentLogger,
      providers,
      commitFeed: feedB,
      pollMs: MINUTE,
      eventCheckMs: MINUTE,
    });
    onA = createApiClient({ baseUrl: a.url, token: await keyFor(storeA, "runner", "deployer") });
    onB = createApiClient({ baseUrl: b.url, token: await keyFor(storeA, "watcher", "deployer") });
    await until("B's listener", () => feedB.connected);
  });
  afterAll(async () => {
    await a?.close(5000);
    await b?.close(5000);
    await feedB?.close();
    await storeA?.close();
    await storeB?.close();
    await server.stop();
  });

  describe("events across processes (postgres LISTEN/NOTIFY)", () => {
    it("streams from server B, live and in order, a deployment that runs on server A", async () => {
      const { id } = await onA.deploy({ spec: spec("elsewhere"), acceptRisk: true });
      expect(a.api.runs.isRunning(id)).toBe(true);
      expect(b.api.runs.isRunning(id)).toBe(false);
      let liveEvents = 0;
      const items: StreamItem[] = [];
      for await (const item of onB.events(id)) {
        items.push(item);
        if (item.kind === "event" && a.api.runs.isRunning(id)) liveEvents++;
      }
      const stored = await storeA.listEvents(id);
      expect(stored.length).toBeGreaterThan(8);
      expect(seqs(items)).toEqual(stored.map((e) => e.seq));
      // Most events reached B while A was still running the deployment: live, not a replay at the end.
      expect(liveEvents).toBeGreaterThan(stored.length / 2);
      expect(items.at(-1)).toMatchObject({ kind: "end", deployment: { id, outcome: "succeeded" } });
      expect(b.api.hub?.size).toBe(0);
    });

    it("replays after a reconnect with Last-Event-ID, then follows live to the end", async () => {
      const { id } = await onA.deploy({ spec: spec("reconnected"), acceptRisk: true });
      const first: StreamItem[] = [];
      const controller = new AbortController();
      try {
        for await (const item of onB.events(id, { signal: controller.signal })) {
          first.push(item);
          if (first.length === 4) controller.abort();
        }
      } catch (error) {
        if (!controller.signal.aborted) throw error;
      }
      const last = seqs(first).at(-1) ?? 0;
      expect(last).toBe(4);
      const rest = await collect(onB.events(id, { after: last }));
      const all = [...seqs(first), ...seqs(rest)];
      expect(all).toEqual((await storeA.listEvents(id)).map((e) => e.seq));
      expect(rest.at(-1)).toMatchObject({ kind: "end", deployment: { outcome: "succeeded" } });
    });

    it("serves many clients of one deployment with one store read per notice, not per client", async () => {
      const notices: CommitNotice[] = [];
      const counter = await listenForCommits(url);
      counter.subscribe({ notice: (n) => notices.push(n), resync: () => undefined });
      try {
        await until("the counting listener", () => counter.connected);
        const readsBefore = b.api.hub?.reads ?? 0;
        const { id } = await onA.deploy({ spec: spec("crowd"), acceptRisk: true });
        const streams = await Promise.all(Array.from({ length: 8 }, () => collect(onB.events(id))));
        const stored = (await storeA.listEvents(id)).map((e) => e.seq);
        for (const items of streams) {
          expect(seqs(items)).toEqual(stored);
          expect(items.at(-1)?.kind).toBe("end");
        }
        await until("the finish notice", () => notices.some((n) => n.deploymentId === id && n.finished));
        const forIt = notices.filter((n) => n.deploymentId === id).length;
        const reads = (b.api.hub?.reads ?? 0) - readsBefore;
        expect(reads).toBeGreaterThan(0);
        expect(reads).toBeLessThanOrEqual(forIt);
      } finally {
        await counter.close();
      }
    });

    it("loses nothing when B's listening connection is killed: it reconnects and re-reads the store", async () => {
      // Driven through A's store step by step, so the end is committed while B is not listening.
      const key = { app: "cut", environment: "dev" };
      const revision = await storeA.createRevision({ ...key, spec: {}, actor: "t" });
      const id = randomUUID();
      // Running, as a runner keeps it: the lock names the deployment.
      const lock = await storeA.acquireLock(key, { actor: "t", deploymentId: id });
      const d = await storeA.startDeployment({
        ...key,
        id,
        revision: revision.number,
        action: "apply",
        actor: "t",
      });
      await storeA.appendEvents(
        [1, 2, 3].map((n) => ({ deploymentId: d.id, type: "log", message: `before ${n}` })),
      );
      const items: StreamItem[] = [];
      const done = (async () => {
        for await (const item of onB.events(d.id)) items.push(item);
      })();
      await until("the first events on B", () => items.length === 3);
      await storeA.appendEvents([{ deploymentId: d.id, type: "log", message: "live" }]);
      await until("a live event on B", () => items.length === 4);
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        const killed = await admin.query(
          "select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and datname = current_database()",
          [LISTENER_APPLICATION_NAME],
        );
        expect(killed.rowCount).toBe(1);
      } finally {
        await admin.end();
      }
      // While B reconnects: its notices are gone; only the store has these.
      await storeA.appendEvents(
        [5, 6].map((n) => ({ deploymentId: d.id, type: "log", message: `during ${n}` })),
      );
      await storeA.finishDeployment(d.id, "succeeded");
      await storeA.releaseLock(lock);
      await done;
      expect(seqs(items)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(items.at(-1)).toMatchObject({ kind: "end", deployment: { id: d.id, outcome: "succeeded" } });
      expect(feedB.connected).toBe(true);
      const metrics = await b.api.metrics.registry.metrics();
      expect(metrics).toContain("codeploy_event_feed_connected 1");
      expect(metrics).toContain("codeploy_event_followed_deployments 0");
    });
  });
}
