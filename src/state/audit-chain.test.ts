import { describe, expect, it } from "vitest";
import { auditHash, brokenLink, canonicalJson, GENESIS_HASH, type StoredAuditRow } from "./audit-chain.js";

describe("canonicalJson", () => {
  it("sorts keys at every level and drops undefined members, so equal values give equal text", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: undefined }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":1}]},"b":1}',
    );
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
    expect(canonicalJson([undefined, "é\n"])).toBe('[null,"é\\n"]');
  });
});

function row(seq: number, prevHash: string, details: unknown = { n: seq }): StoredAuditRow {
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
    hash: auditHash(prevHash, content),
  };
}

describe("brokenLink", () => {
  const first = row(1, GENESIS_HASH);
  const second = row(2, first.hash);

  it("accepts a well-formed chain", () => {
    expect(brokenLink(undefined, first)).toBeUndefined();
    expect(brokenLink(first, second)).toBeUndefined();
  });

  it("names what is wrong: a gap, a foreign link, edited content, broken JSON", () => {
    expect(brokenLink(undefined, second)).toBe("it is missing (the next record is 2)");
    expect(brokenLink(first, row(2, GENESIS_HASH))).toContain("prevHash");
    expect(brokenLink(first, { ...second, actor: "eve" })).toContain("does not match its hash");
    expect(brokenLink(first, { ...second, details_json: '{"n":3}' })).toContain("does not match its hash");
    expect(brokenLink(first, { ...second, details_json: "{" })).toContain("not valid JSON");
  });

  it("makes every hash depend on the previous one", () => {
    const content = { seq: 1, at: "t", actor: "a", command: "c", target: null, outcome: "ok", details: null };
    expect(auditHash(GENESIS_HASH, content)).not.toBe(auditHash("1".repeat(64), content));
    expect(auditHash(GENESIS_HASH, content)).toMatch(/^[0-9a-f]{64}$/);
  });
});
