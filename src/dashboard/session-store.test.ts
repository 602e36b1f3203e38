import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openSqliteFile } from "../state/sqlite-driver.js";
import { openStateStore } from "../state/store.js";
import type { StateStore } from "../state/types.js";
import { sessionIdHash } from "./session.js";
import { seal, sessionKey, storedSessionStore, unseal } from "./session-store.js";

const SEED = "a-test-seed-of-at-least-32-characters!!";
const OTHER_SEED = "another-seed-of-at-least-32-characters!";
const TOKEN = "cdp_abcdefghijkl_0123456789abcdef0123456789abcdef0123456789abcdef";

let home: string | undefined;
let state: StateStore | undefined;
afterEach(async () => {
  await state?.close();
  if (home !== undefined) await rm(home, { recursive: true, force: true });
  state = undefined;
  home = undefined;
});

async function open(): Promise<StateStore> {
  home = await mkdtemp(join(tmpdir(), "codeploy-sessions-"));
  state = await openStateStore({ home });
  return state;
}

async function rawRows(): Promise<unknown[]> {
  const db = await openSqliteFile(join(home ?? "", "state.db"), { readOnly: true });
  try {
    return db.prepare("select * from dashboard_sessions").all();
  } finally {
    db.close();
  }
}

describe("sealed session credentials", () => {
  it("derive a key from the seed that is not the seed, and differs per seed", () => {
    const key = sessionKey(SEED);
    expect(key).toHaveLength(32);
    expect(key.toString("utf8")).not.toContain(SEED.slice(0, 16));
    expect(sessionKey(SEED).equals(key)).toBe(true);
    expect(sessionKey(OTHER_SEED).equals(key)).toBe(false);
  });

  it("open only with the same key and for the same row", () => {
    const sealed = seal(sessionKey(SEED), "row-a", TOKEN);
    expect(unseal(sessionKey(SEED), "row-a", sealed)).toBe(TOKEN);
    expect(unseal(sessionKey(OTHER_SEED), "row-a", sealed)).toBeUndefined();
    expect(unseal(sessionKey(SEED), "row-b", sealed)).toBeUndefined();
    const tampered = Buffer.from(sealed, "base64url");
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    expect(unseal(sessionKey(SEED), "row-a", tampered.toString("base64url"))).toBeUndefined();
    expect(unseal(sessionKey(SEED), "row-a", "short")).toBeUndefined();
  });

  it("keep neither the credential nor the cookie's id in clear in the database", async () => {
    const rowStore = (await open()).sessions;
    const store = storedSessionStore(rowStore, { seed: SEED });
    const s = await store.open({ token: TOKEN, actor: "key:ana" });
    const rows = await rawRows();
    expect(rows).toHaveLength(1);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(TOKEN);
    expect(dump).not.toContain(TOKEN.slice(17, 49));
    expect(dump).not.toContain(s.id);
    expect(rows[0]).toMatchObject({ id_hash: sessionIdHash(s.id), actor: "key:ana", csrf: s.csrf });
    // A server with another seed finds the row but cannot use it, and leaves it to those that can.
    const other = storedSessionStore(rowStore, { seed: OTHER_SEED });
    expect(await other.get(s.id)).toBeUndefined();
    expect((await store.get(s.id))?.token).toBe(TOKEN);
  });

  it("write lastSeen at most once a minute, and sweep expired rows in bounded batches", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const rows = (await open()).sessions;
    const store = storedSessionStore(rows, { seed: SEED, idleMs: 3_600_000, now: () => now });
    const s = await store.open({ token: TOKEN, actor: "a" });
    const opened = now;
    now += 59_000;
    expect((await store.get(s.id))?.lastSeen).toBe(opened);
    expect((await rows.get(sessionIdHash(s.id)))?.lastSeen).toBe(opened);
    now += 1_000;
    expect((await store.get(s.id))?.lastSeen).toBe(now);
    expect((await rows.get(sessionIdHash(s.id)))?.lastSeen).toBe(now);
    // Idle past the limit: the next sign-in sweeps it even though nobody reads it again.
    now += 2 * 3_600_000;
    await store.open({ token: TOKEN, actor: "b" });
    expect(await rows.get(sessionIdHash(s.id))).toBeUndefined();
    expect(await rawRows()).toHaveLength(1);
  });
});
