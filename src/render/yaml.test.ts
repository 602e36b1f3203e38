import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { libraryYaml, toYaml } from "./yaml.js";

/** Strings built from the characters and words that change how YAML quotes a scalar. */
const trickyString = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc
    .array(
      fc.constantFrom(
        "a",
        "Z",
        "0",
        "7",
        "-",
        "?",
        ":",
        " ",
        "#",
        "'",
        '"',
        "\\",
        "\n",
        "\t",
        ",",
        "[",
        "}",
        "&",
        "*",
        "!",
        "|",
        ">",
        "%",
        "@",
        "`",
        ".",
        "_",
        "+",
        "e",
        "x",
        "é",
        "$",
        "{",
        "~",
      ),
      { maxLength: 10 },
    )
    .map((cs) => cs.join("")),
  fc.constantFrom(
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "~",
    "null",
    "0755",
    "0x1F",
    "1_000",
    "1:20",
    "2026-12-06",
    ".inf",
    "1e3",
    "---",
    "...",
    "<<",
    "true",
    "",
    "ghcr.io/acme/svc:1.2",
    "http://a:8080/x",
  ),
);

const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small" },
    trickyString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("node"), { maxLength: 4 }),
    fc.dictionary(trickyString, fc.option(tie("node"), { nil: undefined }), { maxKeys: 4 }),
  ),
})).node;

describe("toYaml", () => {
  it("writes the same bytes as the yaml library, for any plain value and comment", () => {
    fc.assert(
      fc.property(value, fc.option(trickyString, { nil: undefined }), (v, comment) => {
        expect(toYaml(v, comment)).toBe(libraryYaml(v, comment));
      }),
      { numRuns: 3000 },
    );
  });

  it("keeps YAML 1.1 look-alikes strings and reads back what it wrote", () => {
    const manifest = {
      metadata: { name: "web", labels: { "app.kubernetes.io/name": "web", enabled: "yes" } },
      spec: {
        ports: [{ port: 8080, name: "http" }],
        mode: "0755",
        env: [{ name: "A", value: "on" }],
        empty: {},
      },
    };
    const text = toYaml(manifest, " Generated");
    expect(text).toContain('enabled: "yes"');
    expect(text).toContain('mode: "0755"');
    expect(text.startsWith("# Generated\n\nmetadata:\n")).toBe(true);
    expect(parse(text, { version: "1.1" })).toEqual(manifest);
  });
});
