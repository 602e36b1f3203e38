/**
 * The audit log is a chain: each record's MAC is HMAC-SHA-256, under a key kept
 * outside the database, of the previous MAC and the canonical JSON of its own
 * content, so editing, inserting or deleting a record in the middle breaks
 * every later link, and someone with only the database cannot recompute it.
 * Dropping records from the end (or replacing the whole database) is caught
 * against the head kept outside the database (audit-key.ts) or one the person
 * stored elsewhere (`codeploy audit head`).
 *
 * Records written before the key existed are plain sha256 links ("legacy");
 * they verify as such, only as a prefix of the chain, and their number is
 * pinned by the anchor once the key is in use.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

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

/** The legacy, unkeyed link (records from before the audit key). */
export function auditHash(prevHash: string, content: AuditContent): string {
  return createHash("sha256")
    .update(`${prevHash}\n${canonicalJson(content)}`)
    .digest("hex");
}

/** The keyed link: HMAC-SHA-256 of the same text. */
export function auditMac(key: Uint8Array, prevHash: string, content: AuditContent): string {
  return createHmac("sha256", key)
    .update(`${prevHash}\n${canonicalJson(content)}`)
    .digest("hex");
}

/** How a record is linked: `sha256` (legacy, before the key) or `hmac-sha256`. */
export type AuditScheme = "sha256" | "hmac-sha256";

/** Constant-time comparison of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
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
  readonly scheme: string;
}

/**
 * Why `row` does not continue the chain after `prev` (undefined: it does).
 * `key` checks keyed records; without it they cannot be checked.
 */
export function brokenLink(
  prev: { seq: number; hash: string; scheme: string } | undefined,
  row: StoredAuditRow,
  key: Uint8Array | undefined,
): string | undefined {
  const expectedSeq = (prev?.seq ?? 0) + 1;
  if (row.seq !== expectedSeq) return `it is missing (the next record is ${row.seq})`;
  if (row.prev_hash !== (prev?.hash ?? GENESIS_HASH))
    return "its prevHash is not the hash of the record before";
  if (row.scheme !== "sha256" && row.scheme !== "hmac-sha256") return `unknown scheme "${row.scheme}"`;
  if (row.scheme === "sha256" && prev?.scheme === "hmac-sha256")
    return "it is an unkeyed record after keyed ones (written without the audit key)";
  if (row.scheme === "hmac-sha256" && key === undefined)
    return "it is keyed and this process has no audit key (set CODEPLOY_AUDIT_KEY or use the CODEPLOY_HOME holding audit.key)";
  let details: unknown;
  try {
    details = row.details_json === null ? null : JSON.parse(row.details_json);
  } catch {
    return "its details are not valid JSON";
  }
  const { seq, at, actor, command, target, outcome } = row;
  const content = { seq, at, actor, command, target, outcome, details };
  if (row.scheme === "sha256")
    return auditHash(row.prev_hash, content) === row.hash
      ? undefined
      : "its content does not match its hash (edited)";
  return key !== undefined && sameDigest(auditMac(key, row.prev_hash, content), row.hash)
    ? undefined
    : "its content does not match its MAC (edited, or recomputed without the audit key)";
}
