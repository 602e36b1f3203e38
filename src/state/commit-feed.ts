/**
 * Commit notices: how a process learns that another process committed step
 * events (or the outcome) of a deployment. A notice carries only the
 * deployment id and its last committed seq; whoever follows the deployment
 * then reads the store after its own last seq, so order and completeness come
 * from the store and a lost notice costs latency, never an event.
 *
 * Postgres sends them with NOTIFY inside the committing transaction
 * (`notifyCommitted`, delivered on commit, dropped on rollback) and
 * `listenForCommits` (commit-feed-postgres.ts) receives them. A Redis pub/sub
 * variant would publish after the commit and implement the same `CommitFeed`.
 */
import { sql } from "kysely";
import type { Db } from "./backend.js";
import type { StoreDialect } from "./types.js";

/** The one channel every codeploy process sends and listens on. */
export const COMMIT_CHANNEL = "codeploy_events";

/** Postgres refuses a NOTIFY payload of 8000 bytes or more. */
export const MAX_PAYLOAD_BYTES = 7999;

/** "Anything may have changed": sent instead of a notice too long for the payload, read as a resync. */
export const RESYNC_PAYLOAD = "*";

export interface CommitNotice {
  readonly deploymentId: string;
  /** The deployment's last committed seq after this transaction. */
  readonly seq: number;
  /** The transaction recorded the deployment's outcome. */
  readonly finished: boolean;
}

export interface CommitFeedHandlers {
  readonly notice: (notice: CommitNotice) => void;
  /**
   * Notices may have been missed (the feed (re)connected, or a payload could
   * not name its deployment): re-read everything that is followed.
   */
  readonly resync: (reason: string) => void;
}

/** Commit notices from every process sharing the store. */
export interface CommitFeed {
  /** Adds handlers; the returned function removes them. */
  subscribe(handlers: CommitFeedHandlers): () => void;
  /** Whether notices are arriving now (false while reconnecting). */
  readonly connected: boolean;
  close(): Promise<void>;
}

/** `<seq>:<f|r>:<deployment id>`: the id last, so any character in it is kept. */
export function encodeNotice(notice: CommitNotice): string {
  const payload = `${notice.seq}:${notice.finished ? "f" : "r"}:${notice.deploymentId}`;
  return Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES ? RESYNC_PAYLOAD : payload;
}

/** A notice, or "resync" for `*` and for anything this version cannot read (a newer writer). */
export function decodeNotice(payload: string): CommitNotice | "resync" {
  const match = /^(\d{1,15}):([fr]):(.+)$/s.exec(payload);
  if (match === null) return "resync";
  const [, seq, flag, deploymentId] = match;
  if (seq === undefined || deploymentId === undefined) return "resync";
  return { deploymentId, seq: Number(seq), finished: flag === "f" };
}

/**
 * Queues the notices in the caller's transaction (Postgres delivers them on
 * commit, in commit order). SQLite has no other process to tell: its server
 * follows its own runs in-process.
 */
export async function notifyCommitted(
  trx: Db,
  dialect: StoreDialect,
  notices: readonly CommitNotice[],
): Promise<void> {
  if (dialect !== "postgres" || notices.length === 0) return;
  const payloads = [...new Set(notices.map(encodeNotice))];
  await sql`select pg_notify(${COMMIT_CHANNEL}, p) from unnest(cast(${payloads} as text[])) as p`.execute(
    trx,
  );
}
