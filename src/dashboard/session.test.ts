import { describe, expect, it } from "vitest";
import { csrfMatches, memorySessionStore } from "./session.js";

describe("memory sessions", () => {
  it("finds a session by its id only, and forgets it once revoked", () => {
    const store = memorySessionStore();
    const s = store.open({ token: "cdp_x", actor: "key:a" });
    expect(s.id).toMatch(/^[\w-]{43}$/);
    expect(store.get(s.id)?.token).toBe("cdp_x");
    expect(store.get(`${s.id}x`)).toBeUndefined();
    store.revoke(s.id);
    expect(store.get(s.id)).toBeUndefined();
  });

  it("ends idle and old sessions", () => {
    let now = 0;
    const store = memorySessionStore({ idleMs: 100, maxAgeMs: 250, now: () => now });
    const s = store.open({ token: "t", actor: "a" });
    now = 90;
    expect(store.get(s.id)).toBeDefined();
    now = 180;
    expect(store.get(s.id)).toBeDefined();
    now = 260; // seen 80 ms ago, but older than the maximum age
    expect(store.get(s.id)).toBeUndefined();
    const idle = store.open({ token: "t", actor: "a" });
    now = 400;
    expect(store.get(idle.id)).toBeUndefined();
  });

  it("keeps at most maxSessions, dropping the oldest", () => {
    const store = memorySessionStore({ maxSessions: 2 });
    const [a, b, c] = [1, 2, 3].map(() => store.open({ token: "t", actor: "a" }));
    expect(store.get(a?.id ?? "")).toBeUndefined();
    expect(store.get(b?.id ?? "")).toBeDefined();
    expect(store.get(c?.id ?? "")).toBeDefined();
  });

  it("compares CSRF tokens exactly", () => {
    const s = memorySessionStore().open({ token: "t", actor: "a" });
    expect(csrfMatches(s, s.csrf)).toBe(true);
    expect(csrfMatches(s, `${s.csrf.slice(0, -1)}A`)).toBe(s.csrf.endsWith("A"));
    expect(csrfMatches(s, undefined)).toBe(false);
    expect(csrfMatches(s, "")).toBe(false);
  });
});
