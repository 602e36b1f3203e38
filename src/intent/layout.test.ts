/**
 * Holds the stage folders of intent/ to the map in README.md: outside folders
 * never reach into a stage, the stages never import llm/, and each stage
 * imports only the stages before it (build <-> amend by design).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const intent = import.meta.dirname;
const src = resolve(intent, "..");
const STAGES = ["tokens", "vocab", "mentions", "props", "read", "build", "amend"] as const;
/** What each stage may import inside intent/ ("." is the top-level files: types and a question's text). */
const MAY: Record<(typeof STAGES)[number], readonly string[]> = {
  tokens: [],
  vocab: ["tokens"],
  mentions: ["tokens", "vocab"],
  props: ["tokens", "vocab", "mentions"],
  read: ["tokens", "vocab", "mentions", "props", "."],
  build: ["tokens", "vocab", "mentions", "props", "read", "amend", "."],
  amend: ["tokens", "vocab", "mentions", "read", "build"],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "__fixtures__" ? [] : files(path);
    return path.endsWith(".ts") && !path.endsWith(".test.ts") ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from|import\()\s*"(\.{1,2}\/[^"]+)"/g)].map((m) =>
    resolve(dirname(file), m[1] ?? ""),
  );
}

/** The folder of a path inside intent/ ("." for the top level), or undefined outside. */
function stageOf(path: string): string | undefined {
  const rel = relative(intent, path);
  if (rel.startsWith("..")) return undefined;
  const parts = rel.split("/");
  return parts.length === 1 ? "." : parts[0];
}

describe("intent/ layout (README.md)", () => {
  it("has the stage folders the map names", () => {
    for (const stage of [...STAGES, "llm"]) expect(statSync(join(intent, stage)).isDirectory()).toBe(true);
  });

  it("is reached from outside only through its top-level files and llm/", () => {
    const outside = files(src).filter((f) => stageOf(f) === undefined);
    const reaching = outside.flatMap((f) =>
      imports(f)
        .filter((t) => STAGES.includes(stageOf(t) as (typeof STAGES)[number]))
        .map((t) => `${relative(src, f)} -> ${relative(src, t)}`),
    );
    expect(reaching).toEqual([]);
  });

  it("imports along the stages only, and never llm/ from a stage", () => {
    const broken: string[] = [];
    for (const stage of STAGES) {
      for (const f of files(join(intent, stage))) {
        for (const t of imports(f)) {
          const to = stageOf(t);
          if (to === undefined || to === stage || MAY[stage].includes(to)) continue;
          broken.push(`${relative(intent, f)} -> ${relative(intent, t)}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});
