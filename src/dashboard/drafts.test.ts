/** Reviewed drafts in a real SQLite state store: sealed, bound to a session, expiring, used once. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CodeError } from "../core/errors.js";
import { openStateStore } from "../state/store.js";
import type { StateStore } from "../state/types.js";
import { type Draft, storedDraftStore } from "./drafts.js";
import { sessionIdHash } from "./session.js";

const SEED = "a-test-seed-of-at-least-32-characters!!";
const MIN = 60_000;
let home: string;
let state: StateStore;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "codeploy-drafts-"));
  state = await openStateStore({ home });
});
afterAll(async () => {
  await state.close();
  await rm(home, { recursive: true, force: true });
});

const draft: Draft = {
  kind: "yaml",
  text: "name: a\nenvironment: staging\nservices: []\n# password: hunter2\n",
  app: "a",
  environment: "staging",
  planId: "apply.0123.4567",
};

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error instanceof CodeError ? error.code : "not a CodeError";
  }
}

describe("stored drafts", () => {
  it("give back the draft to its session only, once", async () => {
    const drafts = storedDraftStore(state.drafts, { seed: SEED });
    const id = await drafts.save("session-a", draft);
    expect(id).toMatch(/^[\w-]{43}$/);
    expect(await drafts.open("session-a", id)).toEqual(draft);
    expect(await codeOf(drafts.open("session-b", id))).toBe("NOT_FOUND");
    expect(await codeOf(drafts.consume("session-b", id))).toBe("NOT_FOUND");
    await drafts.consume("session-a", id);
    expect(await codeOf(drafts.consume("session-a", id))).toBe("NOT_FOUND");
    expect(await codeOf(drafts.open("session-a", id))).toBe("NOT_FOUND");
    expect(await codeOf(drafts.open("session-a", "not an id"))).toBe("NOT_FOUND");
  });

  it("expire, and say so", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const drafts = storedDraftStore(state.drafts, { seed: SEED, ttlMs: 10 * MIN, now: () => now });
    const id = await drafts.save("session-a", draft);
    now += 9 * MIN;
    expect((await drafts.open("session-a", id)).text).toBe(draft.text);
    now += 2 * MIN;
    expect(await codeOf(drafts.open("session-a", id))).toBe("DRAFT_EXPIRED");
    // Gone once found expired.
    expect(await codeOf(drafts.open("session-a", id))).toBe("NOT_FOUND");
  });

  it("are sealed: no literal in the row, and a server with another seed cannot open them", async () => {
    const drafts = storedDraftStore(state.drafts, { seed: SEED });
    const id = await drafts.save("session-a", draft);
    const row = await state.drafts.get(sessionIdHash(id), sessionIdHash("session-a"));
    expect(row).toBeDefined();
    expect(Buffer.from(row?.sealed ?? "", "base64url").toString("latin1")).not.toContain("hunter2");
    const elsewhere = storedDraftStore(state.drafts, { seed: `${SEED}-other` });
    await expect(elsewhere.open("session-a", id)).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "this server cannot open the reviewed plan",
      hint: expect.stringContaining("CODEPLOY_SECRET_SEED"),
    });
    // A row moved to another session does not open there either (the seal is bound to both hashes).
    if (row === undefined) return;
    expect(await state.drafts.take(row.idHash, row.sessionHash)).toBe(true);
    await state.drafts.insert(
      { ...row, sessionHash: sessionIdHash("session-b") },
      { perSession: 20, total: 100 },
    );
    await expect(drafts.open("session-b", id)).rejects.toThrow(/cannot open/);
  });

  it("keep a bounded number per session", async () => {
    const drafts = storedDraftStore(state.drafts, { seed: SEED, perSession: 2 });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await drafts.save("session-c", draft));
    expect(await codeOf(drafts.open("session-c", ids[0] ?? ""))).toBe("NOT_FOUND");
    expect(await codeOf(drafts.open("session-c", ids[2] ?? ""))).toBeUndefined();
  });
});
