import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStateStore } from "../state/store.js";
import type { StateStore } from "../state/types.js";
import { csrfMatches, memorySessionStore, type SessionLimits, type SessionStore } from "./session.js";
import { storedSessionStore } from "./session-store.js";

const SEED = "a-test-seed-of-at-least-32-characters!!";
const homes: string[] = [];
const stores: StateStore[] = [];
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await Promise.all(homes.map((h) => rm(h, { recursive: true, force: true })));
});

async function stored(limits: SessionLimits): Promise<SessionStore> {
  const home = await mkdtemp(join(tmpdir(), "codeploy-sessions-"));
  homes.push(home);
  const state = await openStateStore({ home });
  stores.push(state);
  return storedSessionStore(state.sessions, { seed: SEED, ...limits });
}

// The same behaviour from the memory store and the one in the state database (SQLite here).
const kinds: [string, (limits: SessionLimits) => Promise<SessionStore>][] = [
  ["memory", async (limits) => memorySessionStore(limits)],
  ["state store", stored],
];

// Minutes: the stored store writes lastSeen at most once a minute.
const MIN = 60_000;

describe.each(kinds)("%s sessions", (_, make) => {
  it("finds a session by its id only, and forgets it once revoked", async () => {
    const store = await make({});
    const s = await store.open({ token: "cdp_x", actor: "key:a" });
    expect(s.id).toMatch(/^[\w-]{43}$/);
    expect((await store.get(s.id))?.token).toBe("cdp_x");
    expect((await store.get(s.id))?.actor).toBe("key:a");
    expect((await store.get(s.id))?.csrf).toBe(s.csrf);
    expect(await store.get(`${s.id}x`)).toBeUndefined();
    await store.revoke(s.id);
    expect(await store.get(s.id)).toBeUndefined();
  });

  it("ends idle and old sessions", async () => {
    let now = 0;
    const store = await make({ idleMs: 100 * MIN, maxAgeMs: 250 * MIN, now: () => now });
    const s = await store.open({ token: "t", actor: "a" });
    now = 90 * MIN;
    expect(await store.get(s.id)).toBeDefined();
    now = 180 * MIN;
    expect(await store.get(s.id)).toBeDefined();
    now = 260 * MIN; // seen 80 minutes ago, but older than the maximum age
    expect(await store.get(s.id)).toBeUndefined();
    const idle = await store.open({ token: "t", actor: "a" });
    now = 400 * MIN;
    expect(await store.get(idle.id)).toBeUndefined();
  });

  it("keeps at most maxSessions, dropping the oldest", async () => {
    let now = 0;
    const store = await make({ maxSessions: 2, now: () => ++now });
    const a = await store.open({ token: "t", actor: "a" });
    const b = await store.open({ token: "t", actor: "a" });
    const c = await store.open({ token: "t", actor: "a" });
    expect(await store.get(a.id)).toBeUndefined();
    expect(await store.get(b.id)).toBeDefined();
    expect(await store.get(c.id)).toBeDefined();
  });

  it("compares CSRF tokens exactly", async () => {
    const s = await (await make({})).open({ token: "t", actor: "a" });
    expect(csrfMatches(s, s.csrf)).toBe(true);
    expect(csrfMatches(s, `${s.csrf.slice(0, -1)}A`)).toBe(s.csrf.endsWith("A"));
    expect(csrfMatches(s, undefined)).toBe(false);
    expect(csrfMatches(s, "")).toBe(false);
  });
});
