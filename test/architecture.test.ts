/**
 * Holds every relative import under src/ against the table in ARCHITECTURE.md:
 * a folder may import only what its row names (and core/, which everyone may).
 * The table is parsed from the document, so the document and the rule are one.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");
const src = join(root, "src");

/**
 * Imports that break the table today, each to be removed: the test fails when
 * one is gone (so the list only shrinks) and on any new one.
 */
const KNOWN: ReadonlySet<string> = new Set<string>([]);

function allowedImports(): Map<string, Set<string>> {
  const text = readFileSync(join(root, "ARCHITECTURE.md"), "utf8");
  const table = new Map<string, Set<string>>();
  for (const line of text.split("\n")) {
    const cells = /^\|\s*`([a-z]+)`\s*\|[^|]*\|([^|]*)\|\s*$/.exec(line);
    if (!cells?.[1] || cells[2] === undefined) continue;
    const may = cells[2]
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    table.set(cells[1], new Set(may));
  }
  return table;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "__fixtures__" ? [] : sourceFiles(path);
    return /\.tsx?$/.test(path) && !/\.test\.tsx?$/.test(path) && !path.includes(".contract.") ? [path] : [];
  });
}

/** `from -> to` for every import that leaves its folder, with one file that does it. */
function folderImports(): Map<string, string> {
  const edges = new Map<string, string>();
  for (const file of sourceFiles(src)) {
    const from = relative(src, file).split("/")[0] ?? "";
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/(?:from|import\()\s*"(\.{1,2}\/[^"]+)"/g)) {
      const target = relative(src, resolve(dirname(file), match[1] ?? ""));
      const to = target.split("/")[0] ?? "";
      if (to === from || to === "core") continue;
      const edge = `${from} -> ${target.startsWith("..") ? "(outside src)" : to}`;
      if (!edges.has(edge)) edges.set(edge, relative(root, file));
    }
  }
  return edges;
}

describe("import boundaries (ARCHITECTURE.md)", () => {
  const table = allowedImports();
  const edges = folderImports();

  it("has a row for every folder under src/", () => {
    const folders = readdirSync(src).filter((f) => statSync(join(src, f)).isDirectory() && f !== "core");
    expect(folders.filter((f) => !table.has(f))).toEqual([]);
  });

  it("finds the imports it checks", () => {
    expect(edges.get("cli -> engine")).toBeDefined();
    expect(edges.size).toBeGreaterThan(20);
  });

  it("lets each folder import only what its row names", () => {
    const broken = [...edges]
      .filter(([edge]) => {
        const [from = "", to = ""] = edge.split(" -> ");
        return !table.get(from)?.has(to) && !KNOWN.has(edge);
      })
      .map(([edge, file]) => `${edge} (${file})`);
    expect(broken).toEqual([]);
  });

  it("lists only known exceptions that still occur", () => {
    expect([...KNOWN].filter((edge) => !edges.has(edge))).toEqual([]);
  });
});
