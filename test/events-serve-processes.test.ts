/**
 * Two `codeploy serve` processes (the built CLI) on one throwaway Postgres
 * through DATABASE_URL: a deployment started on A runs in A's process and is
 * followed over SSE from B, live and in order, then replayed from B after a
 * reconnect with Last-Event-ID; each process holds one listening connection
 * (`serve` listens for commit notices whenever its store is Postgres).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, createApiClient, type StreamItem } from "../src/service/api-client.js";
import { LISTENER_APPLICATION_NAME } from "../src/state/commit-feed-postgres.js";
import { startPostgres } from "./helpers/postgres.js";

const root = join(import.meta.dirname, "..");
const bin = join(root, "bin/codeploy.cjs");
const server = await startPostgres();
const children: ChildProcess[] = [];
let home: string;
let env: NodeJS.ProcessEnv;

function serve(config: string): Promise<string> {
  const child = spawn(
    process.execPath,
    [bin, "--config", config, "serve", "--port", "0", "--provider", "null"],
    {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(child);
  return new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 30_000);
    const read = (d: Buffer) => {
      out += d.toString();
      const found = /listening on (http:\/\/\S+)/.exec(out);
      if (found?.[1]) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}

const seqs = (items: readonly StreamItem[]) =>
  items.flatMap((i) => (i.kind === "event" ? [i.event.seq] : []));

if (server === undefined) {
  it.skip("two codeploy serve processes on Postgres (no Postgres binaries, see the warning above)", () =>
    undefined);
} else {
  let onA: ApiClient;
  let onB: ApiClient;
  beforeAll(async () => {
    if (!existsSync(join(root, "dist/bundle/cli.cjs")))
      throw new Error("dist/bundle is missing: run `npm run build`");
    home = await mkdtemp(join(tmpdir(), "codeploy-serve-pg-"));
    env = {
      ...process.env,
      CODEPLOY_HOME: home,
      DATABASE_URL: await server.createDatabase(),
      CODEPLOY_AUDIT_KEY: randomBytes(24).toString("hex"),
      CODEPLOY_LOG_LEVEL: "error",
    };
    const slow = join(home, "slow.yaml");
    await writeFile(slow, 'providers:\n  "null":\n    delayMs: 250\n');
    const created = spawnSync(
      process.execPath,
      [bin, "keys", "create", "--role", "admin", "--name", "t", "--json"],
      {
        env,
        encoding: "utf8",
      },
    );
    expect(created.status, created.stderr).toBe(0);
    const token = (JSON.parse(created.stdout) as { key: string }).key;
    const [a, b] = await Promise.all([serve(slow), serve(slow)]);
    onA = createApiClient({ baseUrl: a, token });
    onB = createApiClient({ baseUrl: b, token });
  }, 90_000);
  afterAll(async () => {
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(
      children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : undefined)),
    );
    await server.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  describe("two codeploy serve processes on one Postgres", () => {
    it("each listen for commit notices on one dedicated connection", async () => {
      const admin = new pg.Client({ connectionString: env.DATABASE_URL });
      await admin.connect();
      try {
        // Each server connects its listener in the background once it answers: wait (bounded) for both.
        let rows: { n: number }[] = [];
        for (let i = 0; i < 100; i++) {
          ({ rows } = await admin.query(
            "select count(*)::int as n from pg_stat_activity where application_name = $1 and datname = current_database()",
            [LISTENER_APPLICATION_NAME],
          ));
          if (rows[0]?.n === 2) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(rows[0]).toEqual({ n: 2 });
      } finally {
        await admin.end();
      }
    });

    it("follow a deployment of A from B live and in order, and replay it after Last-Event-ID", async () => {
      const { id } = await onA.deploy({
        spec: {
          name: "shared",
          environment: "staging",
          services: ["web", "api", "jobs"].map((name) => ({ name, image: `acme/${name}:1` })),
        },
        acceptRisk: true,
      });
      const live: StreamItem[] = [];
      let whileRunning = 0;
      for await (const item of onB.events(id)) {
        live.push(item);
        if (item.kind === "event" && (await onB.deployment(id)).state === "running") whileRunning++;
      }
      const all = seqs(live);
      expect(all.length).toBeGreaterThan(4);
      expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
      expect(whileRunning).toBeGreaterThan(0);
      expect(live.at(-1)).toMatchObject({ kind: "end", deployment: { id, outcome: "succeeded" } });
      const tail = await (async () => {
        const items: StreamItem[] = [];
        for await (const item of onB.events(id, { after: 2 })) items.push(item);
        return items;
      })();
      expect(seqs(tail)).toEqual(all.slice(2));
    });
  });
}
