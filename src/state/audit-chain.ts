/**
 * The audit log is a hash chain: each record's hash is sha256 of the previous
 * hash and the canonical JSON of its own content, so editing, inserting or
 * deleting a record in the middle breaks every later link. (Dropping records
 * from the end is only detectable against a copy of the last hash kept elsewhere.)
 */
import { createHash } from "node:crypto";

/** prevHash of the first record. */
export const GENESIS_HASH = "0".repeat(64);

export interface AuditContent {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly command: string;
  readonly target: string | null;
  readonly outcome: string;
  readonly details: unknown;
}

/** JSON with object keys sorted at every level and undefined members left out: one text per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value))
    return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(",")}]`;
  const members = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`);
  return `{${members.join(",")}}`;
}

export function auditHash(prevHash: string, content: AuditContent): string {
  return createHash("sha256")
    .update(`${prevHash}\n${canonicalJson(content)}`)
    .digest("hex");
}

export interface StoredAuditRow {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly command: string;
  readonly target: string | null;
  readonly outcome: string;
  readonly details_json: string | null;
  readonly prev_hash: string;
  readonly hash: string;
}

/** Why `row` does not continue the chain after `prev` (undefined: it does). */
export function brokenLink(
  prev: { seq: number; hash: string } | undefined,
  row: StoredAuditRow,
): string | undefined {
  const expectedSeq = (prev?.seq ?? 0) + 1;
  if (row.seq !== expectedSeq) return `it is missing (the next record is ${row.seq})`;
  if (row.prev_hash !== (prev?.hash ?? GENESIS_HASH))
    return "its prevHash is not the hash of the record before";
  let details: unknown;
  try {
    details = row.details_json === null ? null : JSON.parse(row.details_json);
  } catch {
    return "its details are not valid JSON";
  }
  const { seq, at, actor, command, target, outcome } = row;
  const hash = auditHash(row.prev_hash, { seq, at, actor, command, target, outcome, details });
  return hash === row.hash ? undefined : "its content does not match its hash (edited)";
}
