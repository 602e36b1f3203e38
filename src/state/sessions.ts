/**
 * Dashboard sessions in the state database, so every API server behind a load
 * balancer sees the same ones (dashboard/session-store.ts seals the credential
 * and applies the limits; this file is only the SQL). The key is the sha256 of
 * the cookie's id, never the id; the credential is an opaque sealed blob.
 */
import type { Db } from "./backend.js";
import type { StoreContext } from "./context.js";

export interface SessionRow {
  /** sha256 (base64url) of the cookie's id. */
  readonly idHash: string;
  readonly actor: string;
  readonly csrf: string;
  /** The credential the session was opened with, sealed by the caller. */
  readonly sealed: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly lastSeen: number;
}

export interface SessionRowStore {
  /** Inserts the row; past `maxRows` the oldest rows are dropped first (at most `BATCH` per call). */
  insert(row: SessionRow, maxRows: number): Promise<void>;
  get(idHash: string): Promise<SessionRow | undefined>;
  /** Moves lastSeen forward (never back). */
  touch(idHash: string, lastSeen: number): Promise<void>;
  delete(idHash: string): Promise<void>;
  /** Deletes up to `limit` rows idle since before `idleBefore` or created before `createdBefore`; returns how many. */
  prune(idleBefore: number, createdBefore: number, limit: number): Promise<number>;
}

interface DashboardSessionsTable {
  id_hash: string;
  actor: string;
  csrf: string;
  sealed: string;
  created_at: string;
  last_seen: string;
}

/** Rows dropped per insert when over the cap, and the default prune batch: bounded work per request. */
export const SESSION_BATCH = 100;

/** The table is added by migration 0011; the shared schema type does not know it. */
function sessionsDb(db: Db) {
  return db.withTables<{ dashboard_sessions: DashboardSessionsTable }>();
}

// ISO text like every other time column: sorts and compares as text on both dialects.
const iso = (ms: number) => new Date(ms).toISOString();

export function createSessionRowStore(ctx: StoreContext): SessionRowStore {
  const db = sessionsDb(ctx.backend.db);
  const write = <T>(fn: (trx: ReturnType<typeof sessionsDb>) => Promise<T>) =>
    ctx.backend.writeTx(undefined, (trx) => fn(sessionsDb(trx)));
  return {
    insert: (row, maxRows) =>
      write(async (trx) => {
        const { count } = await trx
          .selectFrom("dashboard_sessions")
          .select((eb) => eb.fn.countAll<number | string | bigint>().as("count"))
          .executeTakeFirstOrThrow();
        const over = Math.min(SESSION_BATCH, Number(count) - maxRows + 1);
        if (over > 0) {
          const oldest = trx
            .selectFrom("dashboard_sessions")
            .select("id_hash")
            .orderBy("created_at")
            .limit(over);
          await trx.deleteFrom("dashboard_sessions").where("id_hash", "in", oldest).execute();
        }
        await trx
          .insertInto("dashboard_sessions")
          .values({
            id_hash: row.idHash,
            actor: row.actor,
            csrf: row.csrf,
            sealed: row.sealed,
            created_at: iso(row.createdAt),
            last_seen: iso(row.lastSeen),
          })
          .execute();
      }),
    async get(idHash) {
      const row = await db
        .selectFrom("dashboard_sessions")
        .selectAll()
        .where("id_hash", "=", idHash)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      return {
        idHash: row.id_hash,
        actor: row.actor,
        csrf: row.csrf,
        sealed: row.sealed,
        createdAt: Date.parse(row.created_at),
        lastSeen: Date.parse(row.last_seen),
      };
    },
    touch: (idHash, lastSeen) =>
      write(async (trx) => {
        await trx
          .updateTable("dashboard_sessions")
          .set({ last_seen: iso(lastSeen) })
          .where("id_hash", "=", idHash)
          .where("last_seen", "<", iso(lastSeen))
          .execute();
      }),
    delete: (idHash) =>
      write(async (trx) => {
        await trx.deleteFrom("dashboard_sessions").where("id_hash", "=", idHash).execute();
      }),
    prune: (idleBefore, createdBefore, limit) =>
      write(async (trx) => {
        const expired = trx
          .selectFrom("dashboard_sessions")
          .select("id_hash")
          .where((eb) =>
            eb.or([eb("last_seen", "<", iso(idleBefore)), eb("created_at", "<", iso(createdBefore))]),
          )
          .limit(Math.max(1, Math.min(limit, 10_000)));
        const result = await trx
          .deleteFrom("dashboard_sessions")
          .where("id_hash", "in", expired)
          .executeTakeFirst();
        return Number(result.numDeletedRows);
      }),
  };
}
