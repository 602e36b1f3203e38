import { describe, expect, it } from "vitest";
import { cleanActor, localActor, MAX_ACTOR_LENGTH } from "./actor.js";

describe("cleanActor", () => {
  it.each([
    ["ops\u001b[31m", "ops[31m"],
    ["ci\r\nadmin", "ciadmin"],
    ["ali\u0000ce", "alice"],
    ["\u202eeilla", "eilla"],
    ["zero\u200bwidth", "zerowidth"],
    ["line\u2028sep", "linesep"],
    ["del\u007f\u0085", "del"],
    ["  spaced out  ", "spaced out"],
    ["ana@host-1", "ana@host-1"],
    ["josé", "josé"],
  ])("%j -> %j", (raw, clean) => {
    expect(cleanActor(raw)).toBe(clean);
  });

  it("falls back when nothing printable is left, and caps the length", () => {
    expect(cleanActor("\u0000\u001b")).toBe("unknown");
    expect(cleanActor("", "")).toBe("");
    expect([...cleanActor("é".repeat(500))].length).toBe(MAX_ACTOR_LENGTH);
  });
});

describe("localActor", () => {
  it("marks a local name that would pass for a server principal", () => {
    expect(localActor("key:ci")).toBe("cli:key:ci");
    expect(localActor("jwt:alice")).toBe("cli:jwt:alice");
    expect(localActor("\u0007key:ci")).toBe("cli:key:ci");
    expect(localActor("ana@laptop")).toBe("ana@laptop");
  });
});
