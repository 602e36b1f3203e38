/**
 * Reviewed drafts of the dashboard's new-deployment page, in the state
 * database so the server that confirms need not be the one that planned
 * (dashboard/drafts.ts seals them and applies the limits; this file is only
 * the SQL). A draft is what the person typed, secret literals included, so it
 * never goes back to the browser: the page carries a random id whose sha256 is
 * the key here, and each row is bound to the session that made it.
 */
import type { Db } from "./backend.js";
import type { StoreContext } from "./context.js";

export interface DraftRow {
  /** sha256 (base64url) of the id the confirmation form carries. */
  readonly idHash: string;
  /** sha256 (base64url) of the id of the session that made it: no other session can use it. */
  readonly sessionHash: string;
  /** The draft, sealed by the caller. */
  readonly sealed: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

export interface DraftLimits {
  /** Drafts kept per session; its oldest are dropped past it. */
  readonly perSession: number;
  /** Drafts kept in all; the oldest are dropped past it (at most DRAFT_BATCH per insert). */
  readonly total: number;
}

export interface DraftRowStore {
  insert(row: DraftRow, limits: DraftLimits): Promise<void>;
  /** The row, only when both its id and its session match. */
  get(idHash: string, sessionHash: string): Promise<DraftRow | undefined>;
  /** Deletes the row; true for the one caller that deleted it (one-time use, even across servers). */
  take(idHash: string, sessionHash: string): Promise<boolean>;
  /** Deletes up to `limit` rows created before `createdBefore`; returns how many. */
  prune(createdBefore: number, limit: number): Promise<number>;
}

interface DashboardDraftsTable {
  id_hash: string;
  session_hash: string;
  sealed: string;
  created_at: string;
}

/** Rows dropped per insert when over a cap, and the prune batch: bounded work per request. */
export const DRAFT_BATCH = 100;

/** The table is added by migration 0012; the shared schema type does not know it. */
function draftsDb(db: Db) {
  return db.withTables<{ dashboard_drafts: DashboardDraftsTable }>();
}

const iso = (ms: number) => new Date(ms).toISOString();
type DraftsDb = ReturnType<typeof draftsDb>;

/** Deletes the oldest rows (of one session, or of all) so that one more stays within `max`. */
async function makeRoom(trx: DraftsDb, max: number, sessionHash?: string): Promise<void> {
  let count = trx
    .selectFrom("dashboard_drafts")
    .select((eb) => eb.fn.countAll<number | string | bigint>().as("n"));
  if (sessionHash !== undefined) count = count.where("session_hash", "=", sessionHash);
  const { n } = await count.executeTakeFirstOrThrow();
  const over = Math.min(DRAFT_BATCH, Number(n) - max + 1);
  if (over <= 0) return;
  let oldest = trx.selectFrom("dashboard_drafts").select("id_hash").orderBy("created_at").limit(over);
  if (sessionHash !== undefined) oldest = oldest.where("session_hash", "=", sessionHash);
  await trx.deleteFrom("dashboard_drafts").where("id_hash", "in", oldest).execute();
}

export function createDraftRowStore(ctx: StoreContext): DraftRowStore {
  const db = draftsDb(ctx.backend.db);
  const write = <T>(fn: (trx: DraftsDb) => Promise<T>) =>
    ctx.backend.writeTx(undefined, (trx) => fn(draftsDb(trx)));
  return {
    insert: (row, limits) =>
      write(async (trx) => {
        await makeRoom(trx, Math.max(1, limits.perSession), row.sessionHash);
        await makeRoom(trx, Math.max(1, limits.total));
        await trx
          .insertInto("dashboard_drafts")
          .values({
            id_hash: row.idHash,
            session_hash: row.sessionHash,
            sealed: row.sealed,
            created_at: iso(row.createdAt),
          })
          .execute();
      }),
    async get(idHash, sessionHash) {
      const row = await db
        .selectFrom("dashboard_drafts")
        .selectAll()
        .where("id_hash", "=", idHash)
        .where("session_hash", "=", sessionHash)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      return {
        idHash: row.id_hash,
        sessionHash: row.session_hash,
        sealed: row.sealed,
        createdAt: Date.parse(row.created_at),
      };
    },
    take: (idHash, sessionHash) =>
      write(async (trx) => {
        const result = await trx
          .deleteFrom("dashboard_drafts")
          .where("id_hash", "=", idHash)
          .where("session_hash", "=", sessionHash)
          .executeTakeFirst();
        return Number(result.numDeletedRows) === 1;
      }),
    prune: (createdBefore, limit) =>
      write(async (trx) => {
        const expired = trx
          .selectFrom("dashboard_drafts")
          .select("id_hash")
          .where("created_at", "<", iso(createdBefore))
          .limit(Math.max(1, Math.min(limit, 10_000)));
        const result = await trx
          .deleteFrom("dashboard_drafts")
          .where("id_hash", "in", expired)
          .executeTakeFirst();
        return Number(result.numDeletedRows);
      }),
  };
}
