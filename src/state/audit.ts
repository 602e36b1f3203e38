/**
 * One audit record per command, appended to a hash chain (audit-chain.ts). The
 * chain head is read and extended inside one serialised write transaction, so
 * writers in several processes never fork it.
 */
import { type AuditContent, auditHash, brokenLink, canonicalJson, GENESIS_HASH } from "./audit-chain.js";
import type { StoreContext } from "./context.js";
import type { AuditLogTable } from "./db-schema.js";
import { StateStoreError } from "./errors.js";
import { redactSecrets } from "./redact.js";
import type { AuditInput, AuditListOptions, AuditOutcome, AuditRecord, AuditVerification } from "./types.js";

const PAGE = 1000;
const OUTCOMES: readonly AuditOutcome[] = ["ok", "refused", "failed"];

export async function appendAudit(ctx: StoreContext, input: AuditInput): Promise<AuditRecord> {
  // A JSON round trip first: what is hashed is exactly what verify reads back.
  const details: unknown =
    input.details === undefined ? null : JSON.parse(JSON.stringify(redactSecrets(input.details)) ?? "null");
  const row = await ctx.backend.writeTx("audit", async (trx) => {
    const head = await trx
      .selectFrom("audit_log")
      .select(["seq", "hash"])
      .orderBy("seq", "desc")
      .limit(1)
      .executeTakeFirst();
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
      hash: auditHash(prevHash, content),
    };
    await trx.insertInto("audit_log").values(row).execute();
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

/** Walks the whole chain in pages; `brokenAt` is the seq of the first record that fails. */
export async function verifyAudit(ctx: StoreContext): Promise<AuditVerification> {
  const db = ctx.backend.db;
  const total = await db
    .selectFrom("audit_log")
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirst();
  const count = Number(total?.n ?? 0);
  let prev: { seq: number; hash: string } | undefined;
  for (;;) {
    const rows = await db
      .selectFrom("audit_log")
      .selectAll()
      .where("seq", ">", prev?.seq ?? 0)
      .orderBy("seq", "asc")
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      const reason = brokenLink(prev, row);
      if (reason !== undefined) {
        const brokenAt = (prev?.seq ?? 0) + 1;
        return { ok: false, count, brokenAt, reason: `record ${brokenAt}: ${reason}` };
      }
      prev = { seq: row.seq, hash: row.hash };
    }
    if (rows.length < PAGE) return { ok: true, count };
  }
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
