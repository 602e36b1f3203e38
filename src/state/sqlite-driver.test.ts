import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kysely, SqliteDialect, sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hasSqliteCode, kyselyDatabase, openSqliteFile, SQLITE_BUSY, sqliteDriver } from "./sqlite-driver.js";

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);

describe("the SQLite driver for this Node", () => {
  it("is Node's own node:sqlite from 22.16 on, the packaged one before", async () => {
    const builtin = major > 22 || (major === 22 && minor >= 16);
    expect((await sqliteDriver()).name).toBe(builtin ? "node:sqlite" : "@photostructure/sqlite");
  });

  it("prints no experimental warning when loaded", async () => {
    const { spawnSync } = await import("node:child_process");
    const url = new URL("./sqlite-driver.ts", import.meta.url).href;
    const child = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        `const m = await import(${JSON.stringify(url)}); (await m.openSqliteFile(":memory:")).prepare("select 1").get();`,
      ],
      { encoding: "utf8" },
    );
    expect(child.status).toBe(0);
    expect(child.stderr).toBe("");
  });
});

describe("a state file through Kysely", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "codeploy-sqlite-driver-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads rows, counts changes, returns inserted rows and streams", async () => {
    const db = new Kysely<{ t: { id: number; name: string } }>({
      dialect: new SqliteDialect({ database: kyselyDatabase(await openSqliteFile(join(dir, "a.db"))) }),
    });
    await sql`create table t (id integer primary key, name text not null)`.execute(db);
    const inserted = await db.insertInto("t").values({ id: 7, name: "a" }).executeTakeFirst();
    expect(inserted.numInsertedOrUpdatedRows).toBe(1n);
    expect(inserted.insertId).toBe(7n);
    expect(await db.insertInto("t").values({ id: 8, name: "b" }).returning("name").execute()).toEqual([
      { name: "b" },
    ]);
    const updated = await db.updateTable("t").set({ name: "c" }).executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(2n);
    const streamed: string[] = [];
    for await (const row of db.selectFrom("t").select("id").orderBy("id").stream())
      streamed.push(String(row.id));
    expect(streamed).toEqual(["7", "8"]);
    await db.destroy();
  });

  it("reports a second writer as busy (SQLITE_BUSY) instead of waiting", async () => {
    const path = join(dir, "b.db");
    const first = await openSqliteFile(path);
    const second = await openSqliteFile(path, { timeout: 0 });
    first.exec("pragma journal_mode = WAL");
    first.exec("begin immediate");
    let caught: unknown;
    try {
      second.exec("begin immediate");
    } catch (error) {
      caught = error;
    }
    expect(hasSqliteCode(caught, SQLITE_BUSY)).toBe(true);
    expect(hasSqliteCode(new Error("database is locked"), SQLITE_BUSY)).toBe(false);
    first.exec("commit");
    second.exec("begin immediate");
    second.exec("commit");
    first.close();
    second.close();
  });
});
