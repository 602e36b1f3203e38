/**
 * The event hub on a real SQLite store, driven by a hand-fed commit feed (an
 * in-process implementation of the CommitFeed interface: the Postgres one is
 * tested in state/commit-feed-postgres.test.ts and test/events-postgres.test.ts).
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CommitFeed, CommitFeedHandlers } from "../state/commit-feed.js";
import { openStateStore } from "../state/store.js";
import type { Deployment, Lock, StateStore, StepEvent } from "../state/types.js";
import { EventHub } from "./event-hub.js";

/** Notices are given by the test, as the database would send them. */
function handFedFeed() {
  const handlers = new Set<CommitFeedHandlers>();
  const feed: CommitFeed = {
    connected: true,
    subscribe: (h) => {
      handlers.add(h);
      return () => handlers.delete(h);
    },
    close: async () => handlers.clear(),
  };
  return {
    feed,
    notice: (deploymentId: string, seq: number, finished = false) => {
      for (const h of handlers) h.notice({ deploymentId, seq, finished });
    },
    resync: () => {
      for (const h of handlers) h.resync("test");
    },
  };
}

function subscriber() {
  const events: StepEvent[] = [];
  let final: Deployment | undefined;
  return {
    events,
    final: () => final,
    sub: {
      events: (batch: readonly StepEvent[]) => events.push(...batch),
      end: (d: Deployment) => (final = d),
    },
  };
}

async function until(what: string, ok: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

let home: string;
let store: StateStore;
const hubs: EventHub[] = [];
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "codeploy-hub-"));
  store = await openStateStore({ home });
});
afterEach(() => {
  for (const h of hubs.splice(0)) h.close();
});
afterAll(async () => {
  await store.close();
  await rm(home, { recursive: true, force: true });
});

/** A deployment that counts as running: its lock names it. */
async function running(app: string): Promise<{ id: string; lock: Lock }> {
  const key = { app, environment: "dev" };
  const revision = await store.createRevision({ ...key, spec: {}, actor: "t" });
  const id = randomUUID();
  const lock = await store.acquireLock(key, { actor: "t", deploymentId: id });
  await store.startDeployment({ ...key, id, revision: revision.number, action: "apply", actor: "t" });
  return { id, lock };
}

describe("event hub", () => {
  it("reads once per notice for all subscribers, folds notices that arrive during a read, and ends them all", async () => {
    const fed = handFedFeed();
    const hub = new EventHub(store, fed.feed, { checkMs: 60_000 });
    hubs.push(hub);
    const { id, lock } = await running("fan");
    const subs = [subscriber(), subscriber(), subscriber()];
    for (const s of subs) hub.follow(id, s.sub);
    await store.appendEvents([{ deploymentId: id, type: "a" }]);
    fed.notice(id, 1);
    await until("the first batch", () => subs.every((s) => s.events.length === 1));
    expect(hub.reads).toBe(1);
    // Five commits whose notices arrive together: one read starts and covers them all.
    await store.appendEvents([2, 3, 4, 5, 6].map((n) => ({ deploymentId: id, type: `e${n}` })));
    for (let seq = 2; seq <= 6; seq++) fed.notice(id, seq);
    await until("every event", () => subs.every((s) => s.events.length === 6));
    await new Promise((r) => setTimeout(r, 20));
    expect(hub.reads).toBeLessThanOrEqual(2);
    for (const s of subs) expect(s.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    // A notice at or below what was delivered costs nothing; one past what exists (a foreign
    // writer) costs one read, not a loop.
    fed.notice(id, 4);
    fed.notice(id, 99);
    await new Promise((r) => setTimeout(r, 50));
    expect(hub.reads).toBeLessThanOrEqual(3);
    await store.finishDeployment(id, "succeeded");
    await store.releaseLock(lock);
    fed.notice(id, 6, true);
    await until("the end", () => subs.every((s) => s.final() !== undefined));
    expect(subs[0]?.final()).toMatchObject({ id, outcome: "succeeded", eventCount: 6 });
    expect(hub.size).toBe(0);
  });

  it("catches up after a resync (notices were lost) without any notice", async () => {
    const fed = handFedFeed();
    const hub = new EventHub(store, fed.feed, { checkMs: 60_000 });
    hubs.push(hub);
    const { id } = await running("lost");
    const s = subscriber();
    hub.follow(id, s.sub);
    await until("the first read", () => hub.size === 1);
    await new Promise((r) => setTimeout(r, 20));
    await store.appendEvents([1, 2, 3].map((n) => ({ deploymentId: id, type: `e${n}` })));
    await new Promise((r) => setTimeout(r, 50));
    expect(s.events).toEqual([]);
    fed.resync();
    await until("the events", () => s.events.length === 3);
  });

  it("ends streams of a deployment whose runner died (no outcome, no lock) at the periodic check", async () => {
    const fed = handFedFeed();
    const hub = new EventHub(store, fed.feed, { checkMs: 50 });
    hubs.push(hub);
    const { id, lock } = await running("dead");
    const s = subscriber();
    hub.follow(id, s.sub);
    await new Promise((r) => setTimeout(r, 80));
    expect(s.final()).toBeUndefined();
    // The runner is gone: its lock goes, no outcome is ever recorded, no notice is sent.
    await store.releaseLock(lock);
    await until("the end", () => s.final() !== undefined);
    expect(s.final()?.state).toBe("interrupted");
  });

  it("ends at once a deployment that was over before anyone followed it", async () => {
    const fed = handFedFeed();
    const hub = new EventHub(store, fed.feed, { checkMs: 60_000 });
    hubs.push(hub);
    const { id, lock } = await running("over");
    await store.finishDeployment(id, "failed", "boom");
    await store.releaseLock(lock);
    const s = subscriber();
    hub.follow(id, s.sub);
    await until("the end", () => s.final() !== undefined);
    expect(s.final()).toMatchObject({ outcome: "failed" });
  });
});
