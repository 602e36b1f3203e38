/**
 * API keys on both backends: the key is shown once and only its sha256 is
 * stored (read back from the raw table), verification refuses revoked,
 * expired, unknown and tampered keys.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startPostgres } from "../../test/helpers/postgres.js";
import { hashApiKey } from "./keys.js";
import { openSqliteFile } from "./sqlite-driver.js";
import { openStateStore } from "./store.js";
import type { StateStore } from "./types.js";

interface Backend {
  readonly store: StateStore;
  readonly rows: () => Promise<Record<string, unknown>[]>;
  readonly close: () => Promise<void>;
}

type Opener = (clock: () => Date) => Promise<Backend>;

const openSqliteBackend: Opener = async (clock) => {
  const home = await mkdtemp(join(tmpdir(), "codeploy-keys-"));
  const store = await openStateStore({ home, clock });
  return {
    store,
    rows: async () => {
      const db = await openSqliteFile(join(home, "state.db"), { readOnly: true });
      try {
        return db.prepare("select * from api_keys").all() as Record<string, unknown>[];
      } finally {
        db.close();
      }
    },
    close: async () => {
      await store.close();
      await rm(home, { recursive: true, force: true });
    },
  };
};

const server = await startPostgres();
afterAll(async () => {
  await server?.stop();
});

const openPostgresBackend: Opener | undefined = server
  ? async (clock) => {
      const url = await server.createDatabase();
      const store = await openStateStore({ url, clock });
      return {
        store,
        rows: async () => {
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          try {
            return (await client.query("select * from api_keys")).rows;
          } finally {
            await client.end();
          }
        },
        close: () => store.close(),
      };
    }
  : undefined;

function defineKeyTests(name: string, open: Opener): void {
  describe(`API keys: ${name}`, () => {
    let now = new Date("2026-11-01T10:00:00.000Z");
    const clock = () => now;

    it("stores only the sha256 of the key, never the key or its secret", async () => {
      const b = await open(clock);
      try {
        const { apiKey, token } = await b.store.apiKeys.create({
          name: "ci",
          role: "deployer",
          environments: ["staging", "dev", "staging"],
          createdBy: "alice",
        });
        expect(token).toMatch(/^cdp_[a-z0-9]{12}_[a-f0-9]{64}$/);
        expect(token.split("_")[1]).toBe(apiKey.id);
        expect(apiKey).toMatchObject({ name: "ci", role: "deployer", state: "active" });
        expect(apiKey.environments).toEqual(["dev", "staging"]);
        const rows = await b.rows();
        expect(rows).toHaveLength(1);
        const row = rows[0] ?? {};
        expect(row.hash).toBe(hashApiKey(token));
        const secret = token.split("_")[2] ?? "";
        for (const value of Object.values(row)) {
          expect(String(value)).not.toContain(secret);
          expect(String(value)).not.toContain(token);
        }
        expect(await b.store.apiKeys.verify(token)).toMatchObject({ id: apiKey.id, name: "ci" });
      } finally {
        await b.close();
      }
    });

    it("refuses tampered, unknown, revoked and expired keys", async () => {
      const b = await open(clock);
      try {
        const { apiKey, token } = await b.store.apiKeys.create({
          name: "temp",
          role: "viewer",
          expiresAt: new Date(now.getTime() + 60_000),
          createdBy: "alice",
        });
        const flipped = token.slice(0, -1) + (token.endsWith("0") ? "1" : "0");
        expect(await b.store.apiKeys.verify(flipped)).toBeUndefined();
        expect(await b.store.apiKeys.verify(`cdp_zzzzzzzzzzzz_${"a".repeat(64)}`)).toBeUndefined();
        expect(await b.store.apiKeys.verify("not a key")).toBeUndefined();
        expect(await b.store.apiKeys.verify(token)).toBeDefined();
        now = new Date(now.getTime() + 61_000);
        expect(await b.store.apiKeys.verify(token)).toBeUndefined();
        expect((await b.store.apiKeys.get(apiKey.id))?.state).toBe("expired");

        const other = await b.store.apiKeys.create({ name: "other", role: "admin", createdBy: "alice" });
        expect(await b.store.apiKeys.verify(other.token)).toBeDefined();
        const revoked = await b.store.apiKeys.revoke(other.apiKey.id);
        expect(revoked.state).toBe("revoked");
        expect(await b.store.apiKeys.verify(other.token)).toBeUndefined();
        await expect(b.store.apiKeys.revoke("nope")).rejects.toMatchObject({ code: "NOT_FOUND" });
      } finally {
        await b.close();
      }
    });

    it("expires a key on demand and refuses a second active key of the same name", async () => {
      const b = await open(clock);
      try {
        const { apiKey, token } = await b.store.apiKeys.create({
          name: "dup",
          role: "viewer",
          createdBy: "a",
        });
        await expect(
          b.store.apiKeys.create({ name: "dup", role: "viewer", createdBy: "a" }),
        ).rejects.toMatchObject({ code: "KEY_EXISTS" });
        await expect(
          b.store.apiKeys.create({ name: "bad name!", role: "viewer", createdBy: "a" }),
        ).rejects.toMatchObject({ code: "KEY_INVALID" });
        const expired = await b.store.apiKeys.expire(apiKey.id);
        expect(expired.state).toBe("expired");
        expect(await b.store.apiKeys.verify(token)).toBeUndefined();
        await b.store.apiKeys.revoke(apiKey.id);
        const again = await b.store.apiKeys.create({ name: "dup", role: "admin", createdBy: "a" });
        expect((await b.store.apiKeys.list()).map((k) => k.id)).toContain(again.apiKey.id);
      } finally {
        await b.close();
      }
    });
  });
}

defineKeyTests("sqlite", openSqliteBackend);
if (openPostgresBackend) defineKeyTests("postgres", openPostgresBackend);
else it.skip("API keys: postgres (no Postgres binaries, see the warning above)", () => undefined);
