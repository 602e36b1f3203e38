import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAuditKeyring } from "./audit-key.js";
import { openSqliteFile } from "./sqlite-driver.js";
import { defineStateStoreContract } from "./store.contract.js";
import { openStateStore } from "./store.js";
import type { StateStore } from "./types.js";

defineStateStoreContract("sqlite", async (clock) => {
  const home = await mkdtemp(join(tmpdir(), "codeploy-state-"));
  const stores: StateStore[] = [];
  const audit = loadAuditKeyring(home, {});
  const open = async (options: { unkeyed?: boolean } = {}): Promise<StateStore> => {
    const store = await openStateStore({ home, clock, ...(options.unkeyed ? {} : { audit }) });
    stores.push(store);
    return store;
  };
  const store = await open();
  return {
    store,
    auditKey: audit.key,
    open,
    sql: async (text) => {
      const db = await openSqliteFile(join(home, "state.db"));
      try {
        const statement = db.prepare(text);
        if (statement.columns().length > 0) return statement.all();
        statement.run();
        return [];
      } finally {
        db.close();
      }
    },
    close: async () => {
      await Promise.all(stores.map((s) => s.close()));
      await rm(home, { recursive: true, force: true });
    },
  };
});

describe("sqlite state file", () => {
  it("is in WAL mode at <home>/state.db, readable only by its owner", async () => {
    const home = await mkdtemp(join(tmpdir(), "codeploy-state-"));
    const store = await openStateStore({ home });
    await store.close();
    const db = await openSqliteFile(join(home, "state.db"), { readOnly: true });
    expect(db.prepare("pragma journal_mode").get()).toEqual({ journal_mode: "wal" });
    db.close();
    const { statSync } = await import("node:fs");
    expect(statSync(join(home, "state.db")).mode & 0o777).toBe(0o600);
    await rm(home, { recursive: true, force: true });
  });

  it("refuses an unknown URL scheme with a typed error", async () => {
    await expect(openStateStore({ url: "mysql://db/x" })).rejects.toMatchObject({ code: "CONFIG" });
  });
});
