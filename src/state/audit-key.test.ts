import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fileAnchor, formatHead, loadAuditKeyring, parseHead } from "./audit-key.js";

const dir = () => mkdtempSync(join(tmpdir(), "codeploy-audit-key-"));

describe("audit key", () => {
  it("is created once, owner-only, and read back the same by the next process", () => {
    const home = join(dir(), "home");
    const first = loadAuditKeyring(home, {});
    expect(statSync(join(home, "audit.key")).mode & 0o777).toBe(0o600);
    expect(Buffer.from(loadAuditKeyring(home, {}).key).toString()).toBe(Buffer.from(first.key).toString());
    expect(readFileSync(join(home, "audit.key"), "utf8")).toMatch(/^[0-9a-f]{64}$/);
  });

  it("comes from CODEPLOY_AUDIT_KEY when set, refusing a short one", () => {
    const home = dir();
    const key = "s".repeat(40);
    expect(Buffer.from(loadAuditKeyring(home, { CODEPLOY_AUDIT_KEY: key }).key).toString()).toBe(key);
    expect(() => loadAuditKeyring(home, { CODEPLOY_AUDIT_KEY: "short" })).toThrow(/too short/);
  });
});

describe("anchor", () => {
  it("only moves forward, and says so when edited into nonsense", () => {
    const path = join(dir(), "audit.head");
    const anchor = fileAnchor(path);
    expect(anchor.read()).toBeUndefined();
    anchor.write({ seq: 5, mac: "a".repeat(64), legacy: 2 });
    anchor.write({ seq: 4, mac: "b".repeat(64), legacy: 2 });
    expect(anchor.read()).toEqual({ seq: 5, mac: "a".repeat(64), legacy: 2 });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    writeFileSync(path, "[]");
    expect(() => anchor.read()).toThrow(/not an audit anchor/);
  });
});

describe("head text", () => {
  it("round-trips seq:mac and refuses anything else with a hint", () => {
    const head = { seq: 42, mac: "c".repeat(64) };
    expect(parseHead(formatHead(head))).toEqual(head);
    expect(() => parseHead("42:xyz")).toThrow(/not an audit head/);
  });
});
