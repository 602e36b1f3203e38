/**
 * Validation of untrusted documents into a DeploymentSpec, with every problem
 * reported as `path: message` (`services[1].replicas: must be >= 0`).
 */
import type { z } from "zod";
import { type SpecIssue, SpecValidationError } from "../core/errors.js";
import { RESERVED_ENV_KEYS } from "./field-checks.js";
import { type DeploymentSpec, deploymentSpecSchema } from "./schema.js";

/** `["services", 1, "replicas"]` -> `services[1].replicas`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else {
      const key = String(part);
      out += /^[A-Za-z_$][\w$-]*$/.test(key) ? (out ? `.${key}` : key) : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string")
    return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
  return `${typeof value} ${String(value)}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const part of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[part];
  }
  return cur;
}

function messageOf(issue: z.core.$ZodIssue, input: unknown): string {
  switch (issue.code) {
    case "too_small":
      if (issue.origin === "number")
        return `must be ${issue.inclusive === false ? ">" : ">="} ${issue.minimum}`;
      if (issue.origin === "array") return `must have at least ${issue.minimum} item(s)`;
      return issue.message;
    case "too_big":
      if (issue.origin === "number")
        return `must be ${issue.inclusive === false ? "<" : "<="} ${issue.maximum}`;
      return issue.message;
    case "invalid_type": {
      const got = valueAt(input, issue.path);
      if (got === undefined) return `is required (${issue.expected})`;
      const expected =
        issue.expected === "int"
          ? "a whole number"
          : issue.expected === "record"
            ? "an object"
            : issue.expected;
      return `must be ${expected}, got ${describe(got)}`;
    }
    case "invalid_value":
      return `must be one of: ${issue.values.map((v) => String(v)).join(", ")}`;
    case "unrecognized_keys":
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
    case "invalid_format":
      return issue.message;
    case "invalid_key":
      // A record key that fails its own check: say why, not just "Invalid key in record".
      return issue.issues.map((inner) => inner.message).join("; ") || issue.message;
    default:
      return issue.message;
  }
}

export function issuesOf(error: z.ZodError, input: unknown): SpecIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: messageOf(issue, input) }));
}

export type ValidationResult =
  | { readonly ok: true; readonly spec: DeploymentSpec }
  | { readonly ok: false; readonly issues: readonly SpecIssue[] };

/**
 * `__proto__` as an env key never reaches zod's checks (a record skips it), so
 * the raw document is searched for the reserved keys before parsing.
 */
function reservedEnvKeys(input: unknown): SpecIssue[] {
  if (input === null || typeof input !== "object" || !("services" in input)) return [];
  const services = input.services;
  if (!Array.isArray(services)) return [];
  const issues: SpecIssue[] = [];
  services.forEach((service: unknown, i) => {
    if (service === null || typeof service !== "object" || !("env" in service)) return;
    const env = service.env;
    if (env === null || typeof env !== "object") return;
    for (const key of Object.keys(env))
      if (RESERVED_ENV_KEYS.has(key))
        issues.push({
          path: formatPath(["services", i, "env", key]),
          message: "__proto__, constructor and prototype are reserved names",
        });
  });
  return issues;
}

/** Checks any value against the schema without throwing. */
export function checkSpec(input: unknown): ValidationResult {
  const reserved = reservedEnvKeys(input);
  const result = deploymentSpecSchema.safeParse(input);
  if (result.success && reserved.length === 0) return { ok: true, spec: result.data };
  const issues = result.success ? [] : issuesOf(result.error, input);
  const known = new Set(issues.map((i) => i.path));
  return { ok: false, issues: [...reserved.filter((i) => !known.has(i.path)), ...issues] };
}

/** Parses a value into a DeploymentSpec or throws a SpecValidationError listing every problem. */
export function validateSpec(input: unknown): DeploymentSpec {
  const result = checkSpec(input);
  if (!result.ok) throw new SpecValidationError(result.issues);
  return result.spec;
}
