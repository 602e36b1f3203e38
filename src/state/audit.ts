/**
 * One audit record per command, appended to a keyed chain (audit-chain.ts). The
 * chain head is read and extended, and the anchor outside the database moved
 * to it, inside one serialised write transaction (BEGIN IMMEDIATE on SQLite, an
 * advisory lock on Postgres), so writers in several processes never fork the
 * chain nor move the anchor backwards.
 */
import {
  type AuditContent,
  auditHash,
  auditMac,
  brokenLink,
  canonicalJson,
  GENESIS_HASH,
  sameDigest,
} from "./audit-chain.js";
import type { StoreContext } from "./context.js";
import type { AuditLogTable } from "./db-schema.js";
import { StateStoreError } from "./errors.js";
import { redactSecrets } from "./redact.js";
import type {
  AuditInput,
  AuditListOptions,
  AuditOutcome,
  AuditRecord,
  AuditVerification,
  AuditVerifyOptions,
} from "./types.js";

const PAGE = 1000;
const OUTCOMES: readonly AuditOutcome[] = ["ok", "refused", "failed", "started"];

export async function appendAudit(ctx: StoreContext, input: AuditInput): Promise<AuditRecord> {
  // A JSON round trip first: what is hashed is exactly what verify reads back.
  const details: unknown =
    input.details === undefined ? null : JSON.parse(JSON.stringify(redactSecrets(input.details)) ?? "null");
  const row = await ctx.backend.writeTx("audit", async (trx) => {
    const head = await trx
      .selectFrom("audit_log")
      .select(["seq", "hash", "scheme"])
      .orderBy("seq", "desc")
      .limit(1)
      .executeTakeFirst();
    const keyring = ctx.audit;
    if (keyring === undefined && head?.scheme === "hmac-sha256")
      throw new StateStoreError("the audit log is keyed and this process has no audit key", {
        hint: "set CODEPLOY_AUDIT_KEY, or use the CODEPLOY_HOME that holds audit.key",
      });
    const content: AuditContent = {
      seq: (head?.seq ?? 0) + 1,
      at: ctx.clock().toISOString(),
      actor: input.actor,
      command: input.command,
      target: input.target ?? null,
      outcome: input.outcome,
      details,
    };
    const prevHash = head?.hash ?? GENESIS_HASH;
    const row: AuditLogTable = {
      seq: content.seq,
      at: content.at,
      actor: content.actor,
      command: content.command,
      target: content.target,
      outcome: content.outcome,
      details_json: details === null ? null : canonicalJson(details),
      prev_hash: prevHash,
      hash: keyring ? auditMac(keyring.key, prevHash, content) : auditHash(prevHash, content),
      scheme: keyring ? "hmac-sha256" : "sha256",
    };
    await trx.insertInto("audit_log").values(row).execute();
    if (keyring?.anchor) {
      // Legacy records only precede keyed ones: their number is fixed once the first keyed one is written.
      const legacy =
        head === undefined ? 0 : head.scheme === "sha256" ? head.seq : await legacyCount(trx, keyring);
      keyring.anchor.write({ seq: row.seq, mac: row.hash, legacy });
    }
    return row;
  });
  return toRecord(row);
}

export async function listAudit(ctx: StoreContext, options: AuditListOptions = {}): Promise<AuditRecord[]> {
  const rows = await ctx.backend.db
    .selectFrom("audit_log")
    .selectAll()
    .where("seq", ">", options.afterSeq ?? 0)
    .orderBy("seq", options.newestFirst === true ? "desc" : "asc")
    .limit(options.limit ?? 100)
    .execute();
  return rows.map(toRecord);
}

async function legacyCount(
  db: StoreContext["backend"]["db"],
  keyring: NonNullable<StoreContext["audit"]>,
): Promise<number> {
  const known = keyring.anchor?.read();
  if (known !== undefined) return known.legacy;
  const n = await db
    .selectFrom("audit_log")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("scheme", "=", "sha256")
    .executeTakeFirst();
  return Number(n?.n ?? 0);
}

export async function auditHead(ctx: StoreContext): Promise<{ seq: number; mac: string } | undefined> {
  const row = await ctx.backend.db
    .selectFrom("audit_log")
    .select(["seq", "hash"])
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : { seq: row.seq, mac: row.hash };
}

/**
 * Walks the whole chain in pages (`brokenAt`: the seq of the first record that
 * fails), then checks that it still reaches the anchor kept outside the
 * database and the head the caller stored elsewhere, if given.
 */
export async function verifyAudit(
  ctx: StoreContext,
  options: AuditVerifyOptions = {},
): Promise<AuditVerification> {
  const db = ctx.backend.db;
  const total = await db
    .selectFrom("audit_log")
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirst();
  const count = Number(total?.n ?? 0);
  const key = ctx.audit?.key;
  const anchor = ctx.audit?.anchor?.read();
  const anchored = anchor !== undefined;
  // Records the anchor and the given head point at, to compare once the walk reaches them.
  const pinned = new Map<number, string>();
  let prev: { seq: number; hash: string; scheme: string } | undefined;
  let legacy = 0;
  for (;;) {
    const rows = await db
      .selectFrom("audit_log")
      .selectAll()
      .where("seq", ">", prev?.seq ?? 0)
      .orderBy("seq", "asc")
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      const reason = brokenLink(prev, row, key);
      if (reason !== undefined) {
        const brokenAt = (prev?.seq ?? 0) + 1;
        return { ok: false, count, legacy, anchored, brokenAt, reason: `record ${brokenAt}: ${reason}` };
      }
      if (row.scheme === "sha256") legacy += 1;
      if (row.seq === anchor?.seq || row.seq === options.head?.seq) pinned.set(row.seq, row.hash);
      prev = { seq: row.seq, hash: row.hash, scheme: row.scheme };
    }
    if (rows.length < PAGE) break;
  }
  const last = prev?.seq ?? 0;
  const facts = {
    count,
    legacy,
    anchored,
    ...(prev !== undefined ? { head: { seq: prev.seq, mac: prev.hash } } : {}),
  };
  const checks: { what: string; head: { seq: number; mac: string } }[] = [
    ...(anchor !== undefined ? [{ what: `the anchor in ${ctx.audit?.anchor?.location}`, head: anchor }] : []),
    ...(options.head !== undefined ? [{ what: "the given head", head: options.head }] : []),
  ];
  for (const { what, head } of checks) {
    if (head.seq > last)
      return {
        ok: false,
        ...facts,
        brokenAt: last + 1,
        reason:
          last === 0
            ? `the log is empty but ${what} holds record ${head.seq} (the database was emptied or replaced)`
            : `records ${last + 1}..${head.seq} are missing: ${what} holds record ${head.seq} (removed from the end)`,
      };
    const mac = pinned.get(head.seq);
    if (mac === undefined || !sameDigest(mac, head.mac))
      return {
        ok: false,
        ...facts,
        brokenAt: head.seq,
        reason: `record ${head.seq} is not the one ${what} holds (the database was replaced or the chain rewritten)`,
      };
  }
  if (anchor !== undefined && anchor.legacy !== legacy)
    return {
      ok: false,
      ...facts,
      brokenAt: Math.min(anchor.legacy, legacy) + 1,
      reason: `${legacy} legacy (unkeyed) record(s) where the anchor counted ${anchor.legacy}`,
    };
  return { ok: true, ...facts };
}

function toRecord(row: AuditLogTable): AuditRecord {
  const outcome = OUTCOMES.find((o) => o === row.outcome);
  if (outcome === undefined)
    throw new StateStoreError(`unknown audit outcome "${row.outcome}" in the state database`);
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    command: row.command,
    target: row.target ?? undefined,
    outcome,
    details: row.details_json === null ? undefined : JSON.parse(row.details_json),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
