/**
 * Backpressure of one event stream, on hono's real SSE stream and a real
 * SQLite store: a client that reads nothing holds at most `maxQueued` events
 * in memory however many are pushed, and once it reads again it gets every
 * event exactly once, in order, the dropped ones read back from the store.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SSEStreamingApi } from "hono/streaming";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStateStore } from "../state/store.js";
import type { StateStore, StepEvent } from "../state/types.js";
import { Follower } from "./follower.js";

let home: string;
let store: StateStore;
let id: string;
let events: StepEvent[];
const TOTAL = 3000;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "codeploy-follower-"));
  store = await openStateStore({ home });
  const revision = await store.createRevision({ app: "slow", environment: "dev", spec: {}, actor: "t" });
  id = (
    await store.startDeployment({ app: "slow", environment: "dev", revision: 1, action: "apply", actor: "t" })
  ).id;
  expect(revision.number).toBe(1);
  events = await store.appendEvents(
    Array.from({ length: TOTAL }, (_, i) => ({ deploymentId: id, type: "log", message: `line ${i}` })),
  );
});
afterAll(async () => {
  await store.close();
  await rm(home, { recursive: true, force: true });
});

/** Reads the SSE bytes and returns the `id:` of every message. */
async function readIds(readable: ReadableStream<Uint8Array>): Promise<number[]> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of readable) text += decoder.decode(chunk, { stream: true });
  return [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
}

describe("a slow event stream client", () => {
  it("holds a bounded queue while blocked, then catches up from the store in order without duplicates", async () => {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const stream = new SSEStreamingApi(writable, readable);
    const follower = new Follower(stream, 0, (after) => store.listEvents(id, after), 100);
    const live = follower.followLive();
    let most = 0;
    for (let i = 0; i < TOTAL; i += 50) {
      follower.push(events.slice(i, i + 50));
      most = Math.max(most, follower.queued);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(most).toBeLessThanOrEqual(100);
    // Nothing was read: past the stream's one-chunk buffer, the writes wait for the client.
    expect(follower.last).toBeLessThanOrEqual(1);
    follower.end();
    const ids = readIds(stream.responseReadable);
    await live;
    await stream.close();
    expect(await ids).toEqual(events.map((e) => e.seq));
  });

  it("fills a gap before a pushed event from the store (everything it has, so no second gap follows)", async () => {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const stream = new SSEStreamingApi(writable, readable);
    const follower = new Follower(stream, 10, (after) => store.listEvents(id, after));
    const ids = readIds(stream.responseReadable);
    await follower.send(events.slice(19, 25)); // seq 20..25: 11..19 are missing
    await stream.close();
    expect(await ids).toEqual(events.slice(10).map((e) => e.seq));
  });
});
