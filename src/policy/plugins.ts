/**
 * Custom rules: modules named in codeploy.yaml that export rules with the
 * built-in interface, as a named `rules` array or a default export (an array,
 * or an object with a `rules` array).
 */
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { importPackage } from "../core/import-package.js";
import { PolicyPluginError } from "./errors.js";
import { isSeverity } from "./run.js";
import { type PolicyRule, RULE_CATEGORIES, type RuleCategory } from "./types.js";
import { isRecord } from "./util.js";

export type ModuleImporter = (specifier: string) => Promise<unknown>;

const defaultImporter: ModuleImporter = (specifier) => importPackage<unknown>(specifier);

const RULE_ID = /^[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)*$/;

/**
 * File paths become file URLs (relative ones resolve against the working
 * directory: callers resolve them against codeploy.yaml's folder first);
 * anything else is a package name.
 */
export function moduleSpecifier(modulePath: string): string {
  if (modulePath.startsWith("file:")) return modulePath;
  const looksLikeFile =
    isAbsolute(modulePath) || modulePath.startsWith(".") || /\.(m|c)?(j|t)s$/.test(modulePath);
  return looksLikeFile ? pathToFileURL(resolve(modulePath)).href : modulePath;
}

function exportedRules(mod: unknown, modulePath: string): unknown[] {
  const candidates = [field(mod, "rules"), field(mod, "default"), field(field(mod, "default"), "rules")];
  const list = candidates.find(Array.isArray);
  if (list === undefined) {
    throw new PolicyPluginError(
      modulePath,
      "exports no rules (expected `export const rules = [...]` or a default export)",
    );
  }
  return list;
}

function field(value: unknown, key: string): unknown {
  return isRecord(value) ? value[key] : undefined;
}

function isCategory(value: unknown): value is RuleCategory {
  return RULE_CATEGORIES.some((c) => c === value);
}

function toRule(value: unknown, where: string, modulePath: string): PolicyRule {
  const fail = (problem: string) => new PolicyPluginError(modulePath, `${where}: ${problem}`);
  if (!isRecord(value)) throw fail("is not an object");
  const { id, severity, title, description, category, check } = value;
  if (typeof id !== "string" || !RULE_ID.test(id)) throw fail('id must be a string such as "ACME-SEC-001"');
  if (id.startsWith("CODE-"))
    throw fail(`id ${id} uses the CODE- prefix, which is reserved for built-in rules`);
  if (!isSeverity(severity)) throw fail(`${id}: severity must be error, warning or info`);
  if (typeof title !== "string" || title === "") throw fail(`${id}: title must be a non-empty string`);
  if (typeof description !== "string") throw fail(`${id}: description must be a string`);
  if (!isCategory(category)) throw fail(`${id}: category must be one of ${RULE_CATEGORIES.join(", ")}`);
  if (typeof check !== "function") throw fail(`${id}: check must be a function`);
  // Called as a method so that rules written as classes keep their `this`.
  return { id, severity, title, description, category, check: (input) => check.call(value, input) };
}

async function importModule(modulePath: string, importer: ModuleImporter): Promise<unknown> {
  try {
    return await importer(moduleSpecifier(modulePath));
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const typescript = /\.(m|c)?ts$/.test(modulePath);
    throw new PolicyPluginError(modulePath, `cannot be imported: ${reason}`, {
      cause,
      hint: typescript
        ? "compile the rule module to .js/.mjs, or run codeploy under a TypeScript loader such as tsx"
        : "check the path in codeploy.yaml (relative paths start from the file's folder) and the module's syntax",
    });
  }
}

/** Loads rules from each module in order; ids must be unique and must not use the built-in CODE- prefix. */
export async function loadCustomRules(
  modulePaths: readonly string[],
  importer: ModuleImporter = defaultImporter,
): Promise<PolicyRule[]> {
  const rules: PolicyRule[] = [];
  const owners = new Map<string, string>();
  for (const modulePath of modulePaths) {
    const mod = await importModule(modulePath, importer);
    for (const [i, value] of exportedRules(mod, modulePath).entries()) {
      const rule = toRule(value, `rules[${i}]`, modulePath);
      const owner = owners.get(rule.id);
      if (owner !== undefined)
        throw new PolicyPluginError(modulePath, `rule id ${rule.id} is already defined by ${owner}`);
      owners.set(rule.id, modulePath);
      rules.push(rule);
    }
  }
  return rules;
}
