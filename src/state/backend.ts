/**
 * The two databases behind one Kysely instance, plus the one thing Kysely does
 * not abstract: a write transaction that is serialised against other writers,
 * including writers in other processes.
 */
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Kysely, PostgresDialect, SqliteDialect, sql } from "kysely";
import { importPackage } from "../core/import-package.js";
import type { StateDatabase } from "./db-schema.js";
import { StateStoreError } from "./errors.js";
import {
  hasSqliteCode,
  kyselyDatabase,
  SQLITE_BUSY,
  type SqliteDriver,
  type SyncDatabase,
  sqliteDriver,
} from "./sqlite-driver.js";
import type { StoreDialect } from "./types.js";

export type Db = Kysely<StateDatabase>;

export interface Backend {
  readonly dialect: StoreDialect;
  readonly db: Db;
  /**
   * Runs `fn` in a transaction that no other writer of `lockName` can interleave
   * with, so read-then-write (next number, lock check, audit chain head) is safe.
   * SQLite: BEGIN IMMEDIATE (one writer per file). Postgres: an advisory
   * transaction lock per name (undefined: rely on row locks only).
   */
  writeTx<T>(lockName: string | undefined, fn: (trx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface SqliteOptions {
  /** How long a writer waits for another process's transaction. @default 5000 */
  readonly busyTimeoutMs?: number;
  /**
   * `normal`: in WAL mode a commit is in the WAL file (OS page cache) when the
   * call returns, so `kill -9` of the process loses nothing; only an OS crash or
   * power loss can drop the last transactions. `full` also fsyncs each commit
   * (survives power loss, much slower per event). @default "normal"
   */
  readonly synchronous?: "normal" | "full";
}

/**
 * The SQLite drivers are synchronous: SQLite's own busy wait would freeze the
 * event loop, and with two connections in one process the holder could never
 * finish. So statements wait at most STATEMENT_BUSY_MS (rare: WAL recovery,
 * checkpoints) and BEGIN IMMEDIATE is retried here, asynchronously, up to
 * busyTimeoutMs.
 */
const STATEMENT_BUSY_MS = 100;

function openFile(driver: SqliteDriver, path: string, busyTimeoutMs: number): SyncDatabase {
  try {
    return driver.open(path, { timeout: busyTimeoutMs });
  } catch (error) {
    throw new StateStoreError(`cannot open the state database ${path}`, {
      cause: error,
      hint: "check that CODEPLOY_HOME is writable and the file is a codeploy state database",
    });
  }
}

export async function openSqlite(path: string, options: SqliteOptions = {}): Promise<Backend> {
  const driver = await sqliteDriver();
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const database = openFile(driver, path, busyTimeoutMs);
  try {
    chmodSync(path, 0o600); // the WAL and shm files take the same mode
  } catch {
    // a shared file owned by someone else keeps its mode
  }
  try {
    // Switching to WAL needs a lock: the full timeout here, once per open.
    database.exec("pragma journal_mode = WAL");
    database.exec(`pragma synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`);
    database.exec("pragma foreign_keys = ON");
    database.exec(`pragma busy_timeout = ${STATEMENT_BUSY_MS}`);
  } catch (error) {
    database.close();
    throw new StateStoreError(`cannot open the state database ${path}`, {
      cause: error,
      hint: "check that CODEPLOY_HOME is writable and the file is a codeploy state database",
    });
  }
  const db: Db = new Kysely({ dialect: new SqliteDialect({ database: kyselyDatabase(database) }) });
  return {
    dialect: "sqlite",
    db,
    writeTx: (_lockName, fn) => sqliteWriteTx(db, busyTimeoutMs, fn),
    close: () => db.destroy(),
  };
}

async function sqliteWriteTx<T>(db: Db, busyTimeoutMs: number, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await beginImmediate(conn, busyTimeoutMs);
    try {
      const result = await fn(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw isBusy(error) ? busyError(error, busyTimeoutMs) : error;
    }
  });
}

/** Takes the write lock, polling with jittered backoff (1 ms doubling to 50 ms) while another writer holds it. */
async function beginImmediate(conn: Db, busyTimeoutMs: number): Promise<void> {
  const deadline = performance.now() + busyTimeoutMs;
  for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
    try {
      await sql`begin immediate`.execute(conn);
      return;
    } catch (error) {
      if (!isBusy(error)) throw error;
      if (performance.now() >= deadline) throw busyError(error, busyTimeoutMs);
      await sleep(delay / 2 + Math.random() * delay);
    }
  }
}

function isBusy(error: unknown): boolean {
  return hasSqliteCode(error, SQLITE_BUSY);
}

function busyError(error: unknown, busyTimeoutMs: number): StateStoreError {
  return new StateStoreError(`the state database stayed busy for more than ${busyTimeoutMs} ms`, {
    cause: error,
    hint: "another codeploy process is holding a long write transaction; retry, or raise the busy timeout",
  });
}

export interface PostgresOptions {
  /** @default 10 */
  readonly poolSize?: number;
}

export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<Backend> {
  const { default: pg } = await importPackage<typeof import("pg")>("pg");
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on("error", () => undefined);
  const db: Db = new Kysely({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    throw new StateStoreError(`cannot connect to the state database at ${hidePassword(url)}`, {
      cause: error,
      hint: "check DATABASE_URL and that the Postgres server is running and reachable",
    });
  }
  return {
    dialect: "postgres",
    db,
    writeTx: (lockName, fn) =>
      db.transaction().execute(async (trx) => {
        if (lockName !== undefined) {
          await sql`select pg_advisory_xact_lock(cast(${advisoryKey(lockName)} as bigint))`.execute(trx);
        }
        return fn(trx);
      }),
    close: () => db.destroy(),
  };
}

/** A stable signed 64-bit key per name, for pg_advisory_xact_lock. */
export function advisoryKey(name: string): string {
  const digest = createHash("sha256").update(`codeploy:${name}`).digest();
  return digest.readBigInt64BE(0).toString();
}

export function hidePassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, "$1:***@");
}
