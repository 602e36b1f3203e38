/** Consultations and the LLM cache on both backends: SQLite always, Postgres when its binaries are here. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startPostgres } from "../../test/helpers/postgres.js";
import { openStateStore } from "./store.js";
import type { StateStore } from "./types.js";

const pgServer = await startPostgres();
afterAll(async () => {
  await pgServer?.stop();
});

const backends: [string, () => Promise<{ store: StateStore; done: () => Promise<void> }>][] = [
  [
    "sqlite",
    async () => {
      const home = await mkdtemp(join(tmpdir(), "codeploy-consult-"));
      const store = await openStateStore({ home });
      return {
        store,
        done: async () => {
          await store.close();
          await rm(home, { recursive: true, force: true });
        },
      };
    },
  ],
];
if (pgServer)
  backends.push([
    "postgres",
    async () => {
      const store = await openStateStore({ url: await pgServer.createDatabase() });
      return { store, done: () => store.close() };
    },
  ]);
else it.skip("consultations on postgres (no Postgres binaries, see the warning above)", () => undefined);

describe.each(backends)("consultation store on %s", (_name, open) => {
  it("keeps consultations newest first and finds one by an id prefix", async () => {
    const { store, done } = await open();
    try {
      const record = { answers: [{ expert: "a", text: "use postgres" }], consensus: { confidence: 0.8 } };
      await store.consultations.save({
        id: "aaaa1111",
        createdAt: "2026-01-01T00:00:00.000Z",
        question: "q1",
        totalUsd: 0.01,
        record,
      });
      await store.consultations.save({
        id: "bbbb2222",
        createdAt: "2026-01-02T00:00:00.000Z",
        question: "q2",
        totalUsd: 0.25,
        record: {},
      });
      const list = await store.consultations.list();
      expect(list.map((c) => c.id)).toEqual(["bbbb2222", "aaaa1111"]);
      expect(list[0]?.totalUsd).toBe(0.25);
      const one = await store.consultations.get("aaaa");
      expect(one.record).toEqual(record);
      await expect(store.consultations.get("cccc")).rejects.toMatchObject({ code: "NOT_FOUND" });
      expect(await store.consultations.list({ limit: 1 })).toHaveLength(1);
    } finally {
      await done();
    }
  });

  it("stores and replaces cached responses by key", async () => {
    const { store, done } = await open();
    try {
      expect(await store.consultations.cacheGet("k")).toBeUndefined();
      await store.consultations.cacheSet("k", { text: "one" });
      await store.consultations.cacheSet("k", { text: "two" });
      expect(await store.consultations.cacheGet("k")).toEqual({ text: "two" });
    } finally {
      await done();
    }
  });
});
