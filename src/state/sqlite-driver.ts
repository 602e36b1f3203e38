/**
 * The SQLite driver, chosen per Node line so that `npm ci` never compiles:
 * - Node 22.16+ and 24: `node:sqlite`, built into Node.
 * - Node 20: @photostructure/sqlite (an optional dependency), the same API
 *   built from Node's own sqlite source, its N-API addon prebuilt inside the
 *   npm package (one binary for every Node version).
 * Both are reached through the few calls below; `kyselyDatabase` adapts them
 * to the interface Kysely's SqliteDialect expects (written for better-sqlite3).
 */
import { createRequire } from "node:module";
import type { SqliteDatabase } from "kysely";
import { StateStoreError } from "./errors.js";

export interface SyncStatement {
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(...params: unknown[]): IterableIterator<unknown>;
  columns(): readonly unknown[];
}

export interface SyncDatabase {
  exec(sql: string): void;
  prepare(sql: string): SyncStatement;
  close(): void;
}

export interface OpenOptions {
  readonly readOnly?: boolean;
  /** SQLite's busy timeout (ms) for this connection. */
  readonly timeout?: number;
}

interface SqliteModule {
  DatabaseSync: new (path: string, options?: OpenOptions) => SyncDatabase;
}

export type DriverName = "node:sqlite" | "@photostructure/sqlite";
export interface SqliteDriver {
  readonly name: DriverName;
  open(path: string, options?: OpenOptions): SyncDatabase;
}

const BUILTIN = "node:sqlite";

/**
 * Both drivers load with require(), not import(): a quick command (`status`,
 * `plan`) then never starts Node's ES module loader, which costs it ~10 ms
 * (issue 26). @photostructure/sqlite ships CommonJS; node:sqlite is built in.
 */
const load = createRequire(import.meta.url);

/**
 * Node 22.13-22.15 has `node:sqlite` without `StatementSync#columns()`, which
 * tells a statement that returns rows from one that does not; 22.5-22.12 has
 * it only behind a flag (the import fails). Either way: not usable here.
 */
function isUsable(mod: unknown): mod is SqliteModule {
  if (typeof mod !== "object" || mod === null) return false;
  const statement: unknown = Reflect.get(mod, "StatementSync");
  const proto: unknown = typeof statement === "function" ? statement.prototype : undefined;
  return (
    typeof Reflect.get(mod, "DatabaseSync") === "function" &&
    typeof proto === "object" &&
    proto !== null &&
    typeof Reflect.get(proto, "columns") === "function" &&
    typeof Reflect.get(proto, "iterate") === "function"
  );
}

/**
 * Node 24 still marks `node:sqlite` experimental and would print that warning
 * on every codeploy command; the API codeploy uses is the one its CI tests on
 * each supported line. Only that one warning is dropped.
 */
function requireBuiltin(): unknown {
  const emitWarning = process.emitWarning;
  const quiet: typeof process.emitWarning = (warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === "string" ? warning : warning.message;
    if (/SQLite is an experimental feature/.test(text)) return;
    Reflect.apply(emitWarning, process, [warning, ...rest]);
  };
  process.emitWarning = quiet;
  try {
    return load(BUILTIN);
  } catch {
    return undefined; // Node 20, or 22 before sqlite was unflagged
  } finally {
    process.emitWarning = emitWarning;
  }
}

function requirePackaged(): SqliteModule {
  try {
    const mod: typeof import("@photostructure/sqlite") = load("@photostructure/sqlite");
    return mod satisfies SqliteModule;
  } catch (error) {
    throw new StateStoreError(
      `no SQLite driver for Node.js ${process.version}: it has no usable node:sqlite and the package @photostructure/sqlite does not load`,
      {
        cause: error,
        hint: `run \`npm ci\` in the codeploy folder with ${process.execPath} first on PATH, or use Node.js 22.16+ or 24`,
      },
    );
  }
}

let loading: Promise<SqliteDriver> | undefined;

/** The driver for this Node, loaded once. */
export function sqliteDriver(): Promise<SqliteDriver> {
  loading ??= (async () => {
    const builtin = requireBuiltin();
    const [name, mod]: [DriverName, SqliteModule] = isUsable(builtin)
      ? ["node:sqlite", builtin]
      : ["@photostructure/sqlite", requirePackaged()];
    return { name, open: (path, options = {}) => new mod.DatabaseSync(path, options) };
  })();
  loading.catch(() => {
    loading = undefined; // a later call may retry (and report again)
  });
  return loading;
}

/** Opens a database file with the driver for this Node (tests read and tamper state files with it). */
export async function openSqliteFile(path: string, options?: OpenOptions): Promise<SyncDatabase> {
  return (await sqliteDriver()).open(path, options);
}

/** A SQLite error with this primary result code (the driver reports extended codes in `errcode`). */
export function hasSqliteCode(error: unknown, code: number): boolean {
  if (!(error instanceof Error)) return false;
  const errcode: unknown = Reflect.get(error, "errcode");
  return typeof errcode === "number" && (errcode & 0xff) === code;
}

export const SQLITE_BUSY = 5;

/** Kysely's SqliteDialect passes parameters as one array and asks `reader` up front. */
export function kyselyDatabase(database: SyncDatabase): SqliteDatabase {
  return {
    close: () => database.close(),
    prepare: (sql) => {
      const statement = database.prepare(sql);
      return {
        reader: statement.columns().length > 0,
        all: (params) => statement.all(...params),
        run: (params) => statement.run(...params),
        iterate: (params) => statement.iterate(...params),
      };
    },
  };
}
