import { describe, expect, it } from "vitest";
import {
  auditHash,
  auditMac,
  brokenLink,
  canonicalJson,
  GENESIS_HASH,
  type StoredAuditRow,
} from "./audit-chain.js";

const KEY = Buffer.from("k".repeat(32));

describe("canonicalJson", () => {
  it("sorts keys at every level and drops undefined members, so equal values give equal text", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: undefined }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":1}]},"b":1}',
    );
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
    expect(canonicalJson([undefined, "é\n"])).toBe('[null,"é\\n"]');
  });
});

function row(seq: number, prevHash: string, details: unknown = { n: seq }, key?: Uint8Array): StoredAuditRow {
  const content = {
    seq,
    at: "2026-01-01T00:00:00.000Z",
    actor: "ana",
    command: "apply",
    target: null,
    outcome: "ok",
    details,
  };
  return {
    ...content,
    details_json: canonicalJson(details),
    prev_hash: prevHash,
    hash: key ? auditMac(key, prevHash, content) : auditHash(prevHash, content),
    scheme: key ? "hmac-sha256" : "sha256",
  };
}

describe("brokenLink", () => {
  const first = row(1, GENESIS_HASH);
  const second = row(2, first.hash);

  it("accepts a well-formed chain", () => {
    expect(brokenLink(undefined, first, undefined)).toBeUndefined();
    expect(brokenLink(first, second, undefined)).toBeUndefined();
  });

  it("names what is wrong: a gap, a foreign link, edited content, broken JSON", () => {
    expect(brokenLink(undefined, second, KEY)).toBe("it is missing (the next record is 2)");
    expect(brokenLink(first, row(2, GENESIS_HASH), KEY)).toContain("prevHash");
    expect(brokenLink(first, { ...second, actor: "eve" }, KEY)).toContain("does not match its hash");
    expect(brokenLink(first, { ...second, details_json: '{"n":3}' }, KEY)).toContain(
      "does not match its hash",
    );
    expect(brokenLink(first, { ...second, details_json: "{" }, KEY)).toContain("not valid JSON");
  });

  it("checks keyed links with the key: a chain recomputed without it, or unkeyed after keyed, fails", () => {
    const keyed = row(2, first.hash, { n: 2 }, KEY);
    expect(brokenLink(first, keyed, KEY)).toBeUndefined();
    // A forger who has only the database can recompute sha256 links, not MACs.
    expect(brokenLink(first, { ...keyed, actor: "eve" }, KEY)).toContain("does not match its MAC");
    expect(brokenLink(first, row(2, first.hash, { n: 2 }, Buffer.from("x".repeat(32))), KEY)).toContain(
      "MAC",
    );
    expect(brokenLink(first, keyed, undefined)).toContain("no audit key");
    expect(brokenLink(keyed, row(3, keyed.hash), KEY)).toContain("unkeyed record after keyed ones");
  });

  it("makes every hash depend on the previous one", () => {
    const content = { seq: 1, at: "t", actor: "a", command: "c", target: null, outcome: "ok", details: null };
    expect(auditHash(GENESIS_HASH, content)).not.toBe(auditHash("1".repeat(64), content));
    expect(auditHash(GENESIS_HASH, content)).toMatch(/^[0-9a-f]{64}$/);
  });
});
