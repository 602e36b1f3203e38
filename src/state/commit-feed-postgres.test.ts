/**
 * The Postgres commit feed against a real server (test/helpers/postgres.ts):
 * notices come from another store's commits (one per deployment per
 * transaction, none for a rolled-back one), and a listener whose connection is
 * killed reconnects and asks for a resync, after which notices flow again.
 */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startPostgres } from "../../test/helpers/postgres.js";
import type { CommitNotice } from "./commit-feed.js";
import { LISTENER_APPLICATION_NAME, listenForCommits } from "./commit-feed-postgres.js";
import { openStateStore } from "./store.js";
import type { StateStore } from "./types.js";

const server = await startPostgres();
afterAll(async () => {
  await server?.stop();
});

/** Collects what a feed delivers and waits for a condition on it. */
function recorder() {
  const notices: CommitNotice[] = [];
  const resyncs: string[] = [];
  const until = async (what: string, ok: () => boolean, ms = 10_000): Promise<void> => {
    const deadline = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return {
    notices,
    resyncs,
    until,
    handlers: { notice: (n: CommitNotice) => notices.push(n), resync: (r: string) => resyncs.push(r) },
  };
}

async function sql(url: string, text: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

async function started(store: StateStore, app: string): Promise<string> {
  const revision = await store.createRevision({ app, environment: "dev", spec: {}, actor: "t" });
  const d = await store.startDeployment({
    app,
    environment: "dev",
    revision: revision.number,
    action: "apply",
    actor: "t",
  });
  return d.id;
}

if (server === undefined) {
  it.skip("postgres commit feed (no Postgres binaries, see the warning above)", () => undefined);
} else {
  describe("postgres commit feed", () => {
    it("delivers one notice per deployment per committed batch, with its last seq, and the finish", async () => {
      const url = await server.createDatabase();
      const writer = await openStateStore({ url });
      const feed = await listenForCommits(url);
      const r = recorder();
      feed.subscribe(r.handlers);
      try {
        await r.until("the first resync", () => r.resyncs.length > 0);
        const a = await started(writer, "a");
        const b = await started(writer, "b");
        await writer.appendEvents([
          { deploymentId: a, type: "x" },
          { deploymentId: b, type: "x" },
          { deploymentId: a, type: "y" },
        ]);
        await writer.appendEvents([{ deploymentId: a, type: "z" }]);
        // A batch that fails (unknown deployment) rolls back: no notice for it.
        await expect(
          writer.appendEvents([
            { deploymentId: a, type: "w" },
            { deploymentId: "nope", type: "w" },
          ]),
        ).rejects.toThrow();
        await writer.finishDeployment(a, "succeeded");
        await r.until("four notices", () => r.notices.length >= 4);
        await new Promise((resolve) => setTimeout(resolve, 200));
        // Nothing from the rolled-back batch.
        expect(r.notices).toHaveLength(4);
        // The first transaction touched both deployments: one notice each, in the store's lock order.
        const byId = (x: CommitNotice, y: CommitNotice) => (x.deploymentId < y.deploymentId ? -1 : 1);
        expect(r.notices.slice(0, 2)).toEqual(
          [
            { deploymentId: a, seq: 2, finished: false },
            { deploymentId: b, seq: 1, finished: false },
          ].sort(byId),
        );
        expect(r.notices.slice(2)).toEqual([
          { deploymentId: a, seq: 3, finished: false },
          { deploymentId: a, seq: 3, finished: true },
        ]);
      } finally {
        await feed.close();
        await writer.close();
      }
    });

    it("reconnects after its connection is killed, asks for a resync, and receives notices again", async () => {
      const url = await server.createDatabase();
      const writer = await openStateStore({ url });
      const errors: string[] = [];
      const feed = await listenForCommits(url, {
        minReconnectMs: 400,
        onError: (message) => errors.push(message),
      });
      const r = recorder();
      feed.subscribe(r.handlers);
      try {
        await r.until("the first resync", () => r.resyncs.length === 1 && feed.connected);
        const id = await started(writer, "c");
        const killed = await sql(
          url,
          `select pg_terminate_backend(pid) from pg_stat_activity where application_name = '${LISTENER_APPLICATION_NAME}' and datname = current_database()`,
        );
        expect(killed).toHaveLength(1);
        // Committed while the listener is down: its notice is lost, the resync stands in for it.
        await writer.appendEvents([{ deploymentId: id, type: "while-down" }]);
        await r.until("the reconnect's resync", () => r.resyncs.length === 2 && feed.connected);
        expect(errors.some((e) => e.includes("lost the listening connection"))).toBe(true);
        expect(r.notices.filter((n) => n.seq === 1)).toEqual([]);
        await writer.appendEvents([{ deploymentId: id, type: "after" }]);
        await r.until("the next notice", () => r.notices.some((n) => n.seq === 2));
      } finally {
        await feed.close();
        await writer.close();
      }
    });

    it("turns a notice too long for NOTIFY into a resync instead of a failed commit", async () => {
      const url = await server.createDatabase();
      const writer = await openStateStore({ url });
      const feed = await listenForCommits(url);
      const r = recorder();
      feed.subscribe(r.handlers);
      try {
        await r.until("the first resync", () => r.resyncs.length === 1);
        const revision = await writer.createRevision({ app: "d", environment: "dev", spec: {}, actor: "t" });
        const long = "d".repeat(9000);
        await writer.startDeployment({
          app: "d",
          environment: "dev",
          revision: revision.number,
          action: "apply",
          actor: "t",
          id: long,
        });
        await writer.appendEvents([{ deploymentId: long, type: "x" }]);
        await r.until("the resync", () => r.resyncs.length === 2);
        expect(r.notices).toEqual([]);
      } finally {
        await feed.close();
        await writer.close();
      }
    });
  });
}
