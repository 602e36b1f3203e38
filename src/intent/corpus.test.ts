/**
 * The intent benchmark, in-process: every case of the shared dev corpus and
 * of our own extra phrasings, checked with the selector semantics of
 * ../shared/intent-bench/score.mjs. Thresholds: >= 97% of checks, >= 90% of cases.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { DeploymentSpec } from "../spec/schema.js";
import { interpretRules } from "./index.js";

interface Case {
  readonly id: string;
  readonly text: string;
  readonly base?: DeploymentSpec;
  readonly action?: string;
  readonly checks: readonly (readonly [string, unknown])[];
}

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../..");
const DEV = resolve(repoRoot, "test/fixtures/intent-bench/dev.jsonl");
const EXTRA = resolve(here, "__fixtures__/extra-phrasings.jsonl");
/** Second round: phrasings written before the fixes that made them pass (parentheses, elliptical counts, amendments). */
const EXTRA_2 = resolve(here, "__fixtures__/extra-phrasings-2.jsonl");

/** Third round (issue 17): names, negations, dependencies, actions, unknown words; written before the fixes. */
const EXTRA_3 = resolve(here, "__fixtures__/extra-phrasings-3.jsonl");
/** Requests as people write them (shared benchmark). */
const REALISTIC = resolve(repoRoot, "test/fixtures/intent-bench/realistic.jsonl");

const ABSENT = Symbol("absent");

/** Same walk as score.mjs: `services[kind=web].replicas`, `databases.length`, `$.action`. */
function select(root: unknown, selector: string): unknown {
  let cur: unknown = selector.startsWith("$.") ? root : (root as { spec?: unknown } | undefined)?.spec;
  const path = selector.startsWith("$.") ? selector.slice(2) : selector;
  for (const seg of path.split(".")) {
    if (cur === undefined || cur === null) return ABSENT;
    const m = /^([^[\]]+)(?:\[([^=\]]+)=([^\]]*)\])?$/.exec(seg);
    if (!m) return ABSENT;
    const [, field, k, v] = m;
    if (field === "length" && Array.isArray(cur)) {
      cur = cur.length;
      continue;
    }
    cur = (cur as Record<string, unknown>)[field as string];
    if (k !== undefined) {
      if (!Array.isArray(cur)) return ABSENT;
      cur = cur.find(
        (e: unknown) =>
          e !== null && typeof e === "object" && String((e as Record<string, unknown>)[k]) === v,
      );
    }
  }
  return cur === undefined ? ABSENT : cur;
}

function hit(got: unknown, want: unknown): boolean {
  if (want === "<absent>") return got === ABSENT;
  if (want !== null && typeof want === "object" && "min" in want) {
    const n = Array.isArray(got) ? got.length : got;
    return typeof n === "number" && n >= Number((want as { min: unknown }).min);
  }
  if (want !== null && typeof want === "object" && "some~" in want) {
    const needle = String((want as { "some~": unknown })["some~"]).toLowerCase();
    return Array.isArray(got) && got.some((e) => JSON.stringify(e).toLowerCase().includes(needle));
  }
  if (want !== null && typeof want === "object" && "~" in want) {
    return typeof got === "string" && got.includes(String((want as { "~": unknown })["~"]));
  }
  return got !== ABSENT && JSON.stringify(got) === JSON.stringify(want);
}

function load(file: string): Case[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Case);
}

function score(cases: readonly Case[]) {
  let checks = 0;
  let passed = 0;
  let ok = 0;
  const failures: string[] = [];
  for (const c of cases) {
    const out = interpretRules(c.text, c.base ? { base: c.base } : {});
    const all = [...(c.action ? [["$.action", c.action] as const] : []), ...c.checks];
    const bad = all.filter(([sel, want]) => !hit(select(out, sel), want));
    checks += all.length;
    passed += all.length - bad.length;
    if (bad.length === 0) ok++;
    else
      failures.push(
        `${c.id} ${c.text}: ${bad.map(([s, w]) => `${s} want ${JSON.stringify(w)} got ${JSON.stringify(select(out, s))}`).join("; ")}`,
      );
  }
  return { checks, passed, cases: cases.length, ok, failures };
}

describe(`dev corpus (${DEV})`, () => {
  it("passes >= 97% of checks and >= 90% of cases", () => {
    const cases = load(DEV);
    expect(cases.length).toBeGreaterThanOrEqual(70);
    const s = score(cases);
    expect(s.passed / s.checks, s.failures.join("\n")).toBeGreaterThanOrEqual(0.97);
    expect(s.ok / s.cases, s.failures.join("\n")).toBeGreaterThanOrEqual(0.9);
  });
});

describe(`realistic corpus (${REALISTIC})`, () => {
  it("passes >= 95% of checks", () => {
    const s = score(load(REALISTIC));
    expect(s.passed / s.checks, s.failures.join("\n")).toBeGreaterThanOrEqual(0.95);
  });
});

describe("extra phrasings, third round (issue 17)", () => {
  const cases = load(EXTRA_3);
  it("passes >= 95% of checks and >= 85% of cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    const s = score(cases);
    expect(s.passed / s.checks, s.failures.join("\n")).toBeGreaterThanOrEqual(0.95);
    expect(s.ok / s.cases, s.failures.join("\n")).toBeGreaterThanOrEqual(0.85);
  });
});

describe.each([
  ["extra phrasings (our own generalisation guard)", EXTRA],
  ["extra phrasings, second round", EXTRA_2],
])("%s", (_title, file) => {
  const cases = load(file);

  it("has at least 60 cases, with bases and every action", () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(cases.filter((c) => c.base).length).toBeGreaterThanOrEqual(8);
    expect(new Set(cases.map((c) => c.action))).toEqual(
      new Set(["deploy", "destroy", "rollback", "status", "scale"]),
    );
  });

  it("passes >= 97% of checks and >= 90% of cases", () => {
    const s = score(cases);
    expect(s.passed / s.checks, s.failures.join("\n")).toBeGreaterThanOrEqual(0.97);
    expect(s.ok / s.cases, s.failures.join("\n")).toBeGreaterThanOrEqual(0.9);
  });

  it.each(cases.map((c) => [c.id, c] as const))("%s", (_id, c) => {
    const out = interpretRules(c.text, c.base ? { base: c.base } : {});
    const all = [...(c.action ? [["$.action", c.action] as const] : []), ...c.checks];
    for (const [sel, want] of all) {
      expect(
        hit(select(out, sel), want),
        `${c.text} :: ${sel} want ${JSON.stringify(want)} got ${JSON.stringify(select(out, sel))}`,
      ).toBe(true);
    }
  });
});

describe("selector semantics (as score.mjs)", () => {
  const out = {
    action: "deploy",
    spec: { services: [{ name: "a", kind: "web", replicas: 2 }], databases: [] },
  };
  it("walks fields, [k=v] picks and length", () => {
    expect(select(out, "services[kind=web].replicas")).toBe(2);
    expect(select(out, "services.length")).toBe(1);
    expect(select(out, "$.action")).toBe("deploy");
    expect(hit(select(out, "services[name=b].name"), "<absent>")).toBe(true);
    expect(hit(select(out, "services[name=a].name"), { "~": "a" })).toBe(true);
    expect(hit(select(out, "databases.length"), 1)).toBe(false);
  });
});
