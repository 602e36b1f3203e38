import { describe, expect, it } from "vitest";
import { hasChanges, type Row, sideBySide } from "./side-by-side.js";

const lines = (n: number, prefix = "line") => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);
const flat = (rows: readonly Row[]): Row[] => rows.flatMap((r) => (r.kind === "fold" ? flat(r.rows) : [r]));

describe("sideBySide", () => {
  it("faces a replaced line with its replacement, keeping both line numbers", () => {
    const rows = sideBySide("a\nb\nc\n", "a\nB\nc\n");
    expect(rows).toEqual([
      { kind: "same", left: { no: 1, text: "a" }, right: { no: 1, text: "a" } },
      { kind: "change", left: { no: 2, text: "b" }, right: { no: 2, text: "B" } },
      { kind: "same", left: { no: 3, text: "c" }, right: { no: 3, text: "c" } },
    ]);
  });

  it("folds long unchanged runs but keeps three lines of context and every line", () => {
    const before = [...lines(20), "old", ...lines(20, "tail")].join("\n");
    const after = [...lines(20), "new", ...lines(20, "tail")].join("\n");
    const rows = sideBySide(before, after);
    const folds = rows.filter((r) => r.kind === "fold");
    expect(folds).toHaveLength(2);
    expect(folds.map((f) => (f.kind === "fold" ? f.rows.length : 0))).toEqual([17, 17]);
    // Context around the change stays visible.
    const visible = rows.filter((r) => r.kind !== "fold");
    expect(visible).toHaveLength(3 + 1 + 3);
    // Nothing is lost: unfolded, both sides are the whole texts.
    const all = flat(rows);
    expect(all.flatMap((r) => (r.kind === "fold" || !r.left ? [] : [r.left.text])).join("\n")).toBe(before);
    expect(all.flatMap((r) => (r.kind === "fold" || !r.right ? [] : [r.right.text])).join("\n")).toBe(after);
  });

  it("shows additions against nothing (a first deployment)", () => {
    const rows = sideBySide("", "a\nb\n");
    expect(rows.every((r) => r.kind === "change" && r.left === undefined)).toBe(true);
    expect(hasChanges(rows)).toBe(true);
    expect(hasChanges(sideBySide("x\n", "x\n"))).toBe(false);
  });
});
