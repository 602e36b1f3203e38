import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { CodeError } from "../core/errors.js";
import { parseSpecText } from "./parse.js";
import { checkSpec } from "./validate.js";

/** validate never throws anything but a typed CodeError, whatever the text. */
function outcome(text: string): "ok" | "refused" {
  try {
    parseSpecText(text, "fuzz.yaml");
    return "ok";
  } catch (error) {
    if (error instanceof CodeError) return "refused";
    throw error;
  }
}

describe("validate on arbitrary input", () => {
  it("never throws an untyped error on arbitrary unicode text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 2000 }), (text) => {
        expect(["ok", "refused"]).toContain(outcome(text));
      }),
      { numRuns: 300 },
    );
  });

  it("never throws an untyped error on arbitrary YAML documents", () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4 }), (value) => {
        let text: string;
        try {
          text = stringify(value);
        } catch {
          return;
        }
        expect(["ok", "refused"]).toContain(outcome(text));
      }),
      { numRuns: 300 },
    );
  });

  it("never throws on spec-shaped documents with wrong values, and lists paths", () => {
    const service = fc.record(
      {
        name: fc.oneof(fc.string(), fc.constantFrom("web", "api")),
        replicas: fc.oneof(fc.integer(), fc.string(), fc.constant(null)),
        port: fc.anything(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.record(
          { name: fc.string(), services: fc.array(service, { maxLength: 4 }), target: fc.string() },
          { requiredKeys: [] },
        ),
        (doc) => {
          const result = checkSpec(doc);
          if (!result.ok) {
            for (const issue of result.issues) expect(typeof issue.path).toBe("string");
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
