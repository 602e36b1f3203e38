import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expandRegoPaths, findingsFromData, opaErrors, RegoError } from "./rego.js";

describe("Rego results -> findings", () => {
  it("reads deny and warn sets of every package, strings and objects", () => {
    const findings = findingsFromData({
      team: { images: { deny: [{ id: "T-1", msg: "pinned", path: "services[0].image" }], warn: ["soft"] } },
      other: { helper: 3 },
    });
    expect(findings).toEqual([
      {
        id: "T-1",
        severity: "error",
        message: "pinned",
        path: "services[0].image",
        hint: expect.any(String),
      },
      {
        id: "team.images.warn",
        severity: "warning",
        message: "soft",
        path: "spec",
        hint: expect.any(String),
      },
    ]);
  });

  it("refuses a rule result without a message", () => {
    expect(() => findingsFromData({ p: { deny: [{ id: "X" }] } })).toThrow(RegoError);
  });

  it("reads OPA's JSON errors with file and row", () => {
    const out = JSON.stringify({
      errors: [
        {
          code: "rego_parse_error",
          message: "unexpected eof",
          location: { file: "/p/a.rego", row: 7, col: 2 },
        },
      ],
    });
    expect(opaErrors(out)).toEqual([{ message: "unexpected eof", file: "/p/a.rego", row: 7 }]);
  });

  it("expands a * in the file name only, sorted, and folders to their .rego files", () => {
    const dir = mkdtempSync(join(tmpdir(), "rego-glob-"));
    for (const f of ["b.rego", "a.rego", "c.txt", "a_test.rego"]) writeFileSync(join(dir, f), "");
    expect(expandRegoPaths([join(dir, "*.rego")])).toEqual(
      ["a.rego", "a_test.rego", "b.rego"].map((f) => join(dir, f)),
    );
    expect(expandRegoPaths([join(dir, "a*.rego"), dir])).toHaveLength(3);
    expect(() => expandRegoPaths([join(dir, "missing", "*.rego")])).toThrow(RegoError);
  });
});
