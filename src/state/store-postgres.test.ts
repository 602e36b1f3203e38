/**
 * The same contract against a real Postgres server, started for this file by
 * test/helpers/postgres.ts (skipped with a printed reason when the binaries are
 * missing, failed when CI is set).
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { startPostgres } from "../../test/helpers/postgres.js";
import { loadAuditKeyring } from "./audit-key.js";
import { defineStateStoreContract } from "./store.contract.js";
import { openStateStore } from "./store.js";
import type { StateStore } from "./types.js";

const server = await startPostgres();

afterAll(async () => {
  await server?.stop();
});

describe("test/helpers/postgres", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("skips (undefined) when the binaries are missing, but fails under CI", async () => {
    vi.stubEnv("CI", "");
    await expect(startPostgres({ binDir: "/nonexistent" })).resolves.toBeUndefined();
    vi.stubEnv("CI", "true");
    await expect(startPostgres({ binDir: "/nonexistent" })).rejects.toThrow(/CI is set/);
  });
});

if (server === undefined) {
  it.skip("state store contract: postgres (no Postgres binaries, see the warning above)", () => undefined);
} else {
  defineStateStoreContract("postgres", async (clock) => {
    const url = await server.createDatabase();
    const stores: StateStore[] = [];
    // A server's setup: the key from CODEPLOY_AUDIT_KEY, the anchor in its CODEPLOY_HOME.
    const home = await mkdtemp(join(tmpdir(), "codeploy-pg-home-"));
    const audit = loadAuditKeyring(home, { CODEPLOY_AUDIT_KEY: randomBytes(24).toString("hex") });
    const open = async (options: { unkeyed?: boolean } = {}): Promise<StateStore> => {
      const store = await openStateStore({ url, clock, ...(options.unkeyed ? {} : { audit }) });
      stores.push(store);
      return store;
    };
    const store = await open();
    return {
      store,
      auditKey: audit.key,
      open,
      sql: async (text) => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          return (await client.query(text)).rows;
        } finally {
          await client.end();
        }
      },
      close: async () => {
        await Promise.all(stores.map((s) => s.close()));
        await rm(home, { recursive: true, force: true });
      },
    };
  });

  describe("postgres state store", () => {
    it("reports an unreachable server as a typed error without the password", async () => {
      const url = "postgres://me:pa55word@127.0.0.1:1/nowhere";
      const error = await openStateStore({ url }).catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: "STATE_STORE",
        message: expect.stringContaining("postgres://me:***@127.0.0.1:1/nowhere"),
      });
      expect(String(error)).not.toContain("pa55word");
    });
  });
}
