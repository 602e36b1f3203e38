import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prod } from "./__fixtures__/specs.js";
import { builtinRules } from "./builtin.js";
import { PolicyPluginError } from "./errors.js";
import { loadCustomRules, moduleSpecifier } from "./plugins.js";
import { runPolicy } from "./run.js";

let dir = "";
const file = (name: string) => join(dir, name);

const RULE_FIELDS = `severity: "warning", title: "Names start with acme-", description: "house naming", category: "operations"`;

const MODULES: Record<string, string> = {
  "named.mjs": `export const rules = [{ id: "ACME-OPS-001", ${RULE_FIELDS},
    *check({ spec }) { if (!spec.name.startsWith("acme-")) yield { path: "name", message: \`\${spec.name} lacks the acme- prefix\`, hint: "rename it" }; } }];`,
  "class-default.mjs": `class MaxServices {
    constructor(limit) { this.id = "ACME-REL-002"; this.severity = "error"; this.title = "Few services"; this.description = "at most N"; this.category = "reliability"; this.limit = limit; }
    check({ spec }) { return spec.services.length > this.limit ? [{ path: "services", message: "too many services", hint: "split the app" }] : []; }
  }
  export default [new MaxServices(0)];`,
  "default-object.mjs": `export default { rules: [{ id: "ACME-COST-003", ${RULE_FIELDS}, check() { return []; } }] };`,
  "nothing.mjs": `export const answer = 42;`,
  "bad-severity.mjs": `export const rules = [{ id: "ACME-1", severity: "high", title: "t", description: "d", category: "security", check() { return []; } }];`,
  "reserved-id.mjs": `export const rules = [{ id: "CODE-SEC-001", ${RULE_FIELDS}, check() { return []; } }];`,
  "no-check.mjs": `export const rules = [{ id: "ACME-9", ${RULE_FIELDS} }];`,
  "same-id.mjs": `export const rules = [{ id: "ACME-OPS-001", ${RULE_FIELDS}, check() { return []; } }];`,
  "syntax.mjs": `export const rules = [ {`,
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "codeploy-policy-"));
  for (const [name, text] of Object.entries(MODULES)) writeFileSync(file(name), text);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function failure(paths: string[]): Promise<PolicyPluginError> {
  const error = await loadCustomRules(paths).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof PolicyPluginError))
    throw new Error(`expected a PolicyPluginError, got ${String(error)}`);
  return error;
}

describe("loadCustomRules", () => {
  it("loads named, default-array and default-object exports, in module order", async () => {
    const rules = await loadCustomRules([
      file("named.mjs"),
      file("class-default.mjs"),
      file("default-object.mjs"),
    ]);
    expect(rules.map((r) => [r.id, r.severity, r.category])).toEqual([
      ["ACME-OPS-001", "warning", "operations"],
      ["ACME-REL-002", "error", "reliability"],
      ["ACME-COST-003", "warning", "operations"],
    ]);
  });

  it("runs loaded rules beside the built-ins, keeping a class rule's `this`", async () => {
    const custom = await loadCustomRules([file("named.mjs"), file("class-default.mjs")]);
    const findings = runPolicy({ spec: prod() }, [...builtinRules, ...custom]);
    expect(findings).toEqual([
      {
        id: "ACME-REL-002",
        severity: "error",
        path: "services",
        message: "too many services",
        hint: "split the app",
      },
      {
        id: "ACME-OPS-001",
        severity: "warning",
        path: "name",
        message: "shop lacks the acme- prefix",
        hint: "rename it",
      },
    ]);
  });

  it.each([
    ["nothing.mjs", /exports no rules/],
    ["bad-severity.mjs", /rules\[0\]: ACME-1: severity must be error, warning or info/],
    ["reserved-id.mjs", /CODE- prefix, which is reserved/],
    ["no-check.mjs", /ACME-9: check must be a function/],
    ["syntax.mjs", /cannot be imported/],
    ["missing.mjs", /cannot be imported/],
  ])("refuses %s with a typed error naming the module", async (name, problem) => {
    const error = await failure([file(name)]);
    expect(error.code).toBe("POLICY_PLUGIN");
    expect(error.modulePath).toBe(file(name));
    expect(error.message).toMatch(problem);
    expect(error.message).toContain(file(name));
    expect(error.hint?.length).toBeGreaterThan(20);
  });

  it("refuses the same rule id from two modules", async () => {
    const error = await failure([file("named.mjs"), file("same-id.mjs")]);
    expect(error.message).toMatch(/rule id ACME-OPS-001 is already defined by .*named\.mjs/);
  });

  it("uses the injected importer with file URLs for paths and names for packages", async () => {
    const asked: string[] = [];
    const importer = async (specifier: string) => {
      asked.push(specifier);
      return { rules: [] };
    };
    await loadCustomRules([file("named.mjs"), "@acme/codeploy-rules"], importer);
    expect(asked).toEqual([pathToFileURL(file("named.mjs")).href, "@acme/codeploy-rules"]);
  });

  it("tells how to load a TypeScript module that cannot be imported", async () => {
    const importer = async () => {
      throw new TypeError('Unknown file extension ".ts"');
    };
    const error = await loadCustomRules(["./rules/acme.ts"], importer).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyPluginError);
    expect(error).toMatchObject({ hint: expect.stringContaining("tsx") });
  });
});

describe("moduleSpecifier", () => {
  it("turns absolute, relative and extension paths into file URLs and keeps package names", () => {
    expect(moduleSpecifier("/etc/codeploy/rules.mjs")).toBe("file:///etc/codeploy/rules.mjs");
    expect(moduleSpecifier("./rules.js")).toBe(pathToFileURL(join(process.cwd(), "rules.js")).href);
    expect(moduleSpecifier("policy/rules.ts")).toBe(
      pathToFileURL(join(process.cwd(), "policy/rules.ts")).href,
    );
    expect(moduleSpecifier("codeploy-rules-acme")).toBe("codeploy-rules-acme");
    expect(moduleSpecifier("file:///x/y.mjs")).toBe("file:///x/y.mjs");
  });
});
