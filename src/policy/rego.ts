/**
 * Policy as code in Rego, evaluated by the real OPA (`opa eval`, a child
 * process through the command runner, under a deadline).
 *
 * Why at the edge and not inside runPolicy: built-in and module rules are
 * synchronous and pure, so `reviewPlan` stays a pure function of the spec.
 * Rego needs a child process, so the CLI and the server (the callers of
 * reviewPlan) run `evaluateRego` over the reviewed plan and merge its
 * findings with `withFindings` (src/review): the pure core never waits.
 *
 * The input document is `{ spec, artifacts, environment }`:
 *   - spec: the DeploymentSpec;
 *   - artifacts: `{ target, files: [paths], kubernetes?: [objects], compose?: {...}, terraform?: [blocks] }`
 *     (no file contents and no Secret data: a policy never sees a credential);
 *   - environment: `{ name, production }`.
 *
 * What a rule returns: every package's `deny` (severity error) and `warn`
 * (severity warning) sets become findings. An item is either a string (the
 * message) or an object `{ msg, id?, path?, hint? }` (`message` is accepted
 * for `msg`). The id defaults to `<package>.<deny|warn>` (such as
 * `codeploy.images.deny`), the path to `spec`.
 */
import { readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { CommandError, type CommandRunner, runCommand } from "../core/command-runner.js";
import { CodeError, type CodeErrorOptions } from "../core/errors.js";
import type { RenderResult } from "../render/types.js";
import { isProduction } from "../spec/environment.js";
import type { DeploymentSpec } from "../spec/schema.js";
import type { Finding, Severity } from "./types.js";
import { isRecord } from "./util.js";

/** A Rego policy that does not parse or compile, or OPA that cannot run. */
export class RegoError extends CodeError {
  constructor(message: string, options: CodeErrorOptions = {}) {
    super("POLICY_REGO", message, options);
  }
}

/** A Rego evaluation that outlived its deadline (a policy that loops or runs long). */
export class RegoTimeoutError extends CodeError {
  constructor(message: string, options: CodeErrorOptions = {}) {
    super("POLICY_REGO_TIMEOUT", message, options);
  }
}

export interface RegoSettings {
  /** .rego files (already expanded, absolute). */
  readonly files: readonly string[];
  /** The opa binary. @default `opa` on the PATH */
  readonly opa?: string;
  /** @default 5000 */
  readonly deadlineMs?: number;
}

export interface RegoInput {
  readonly spec: DeploymentSpec;
  readonly artifacts: Readonly<Record<string, unknown>>;
  readonly environment: { readonly name: string; readonly production: boolean };
}

/** The input document a policy reads (pure). Secret objects lose their data. */
export function regoInput(spec: DeploymentSpec, artifacts: RenderResult): RegoInput {
  const kubernetes = artifacts.kubernetes?.map((o) => {
    if (o.kind !== "Secret") return o;
    const { data: _data, stringData: _stringData, ...rest } = o;
    return rest;
  });
  return {
    spec,
    artifacts: {
      target: artifacts.target,
      files: artifacts.files.map((f) => f.path),
      ...(kubernetes ? { kubernetes } : {}),
      ...(artifacts.compose ? { compose: artifacts.compose } : {}),
      ...(artifacts.terraform ? { terraform: artifacts.terraform } : {}),
    },
    environment: { name: spec.environment, production: isProduction(spec) },
  };
}

/**
 * Expands `policy.rego` entries: a `*` may stand in the file name only
 * (`./policy/*.rego`); a folder stands for its .rego files. Sorted, so the
 * same config loads the same files in the same order.
 */
export function expandRegoPaths(patterns: readonly string[]): string[] {
  const out = new Set<string>();
  for (const pattern of patterns) {
    const name = basename(pattern);
    if (!name.includes("*")) {
      if (pattern.endsWith(".rego")) out.add(pattern);
      else for (const f of listDir(pattern)) if (f.endsWith(".rego")) out.add(join(pattern, f));
      continue;
    }
    const dir = dirname(pattern);
    const re = new RegExp(`^${name.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", "[^/]*")}$`);
    for (const f of listDir(dir)) if (re.test(f)) out.add(join(dir, f));
  }
  return [...out].sort();
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (cause) {
    throw new RegoError(`policy.rego: cannot read the folder ${dir}`, {
      hint: "paths in policy.rego are relative to codeploy.yaml",
      cause,
    });
  }
}

interface OpaErrorItem {
  readonly message: string;
  readonly file?: string;
  readonly row?: number;
}

/** OPA's `--format json` errors: `{errors: [{message, location: {file, row}}]}` (or a single error object). */
export function opaErrors(stdout: string): OpaErrorItem[] {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch {
    return [];
  }
  const list = isRecord(doc) && Array.isArray(doc.errors) ? doc.errors : isRecord(doc) ? [doc] : [];
  const out: OpaErrorItem[] = [];
  for (const item of list) {
    if (!isRecord(item) || typeof item.message !== "string") continue;
    const loc = isRecord(item.location) ? item.location : {};
    out.push({
      message: item.message,
      ...(typeof loc.file === "string" ? { file: loc.file } : {}),
      ...(typeof loc.row === "number" ? { row: loc.row } : {}),
    });
  }
  return out;
}

function toFinding(pkg: string, rule: "deny" | "warn", item: unknown): Finding {
  const severity: Severity = rule === "deny" ? "error" : "warning";
  const id = `${pkg}.${rule}`;
  const hint = `from the Rego policy ${pkg} (policy.rego in codeploy.yaml)`;
  if (typeof item === "string") return { id, severity, message: item, path: "spec", hint };
  if (isRecord(item)) {
    const message = typeof item.msg === "string" ? item.msg : item.message;
    if (typeof message === "string") {
      return {
        id: typeof item.id === "string" && item.id.length > 0 ? item.id : id,
        severity,
        message,
        path: typeof item.path === "string" && item.path.length > 0 ? item.path : "spec",
        hint: typeof item.hint === "string" ? item.hint : hint,
      };
    }
  }
  throw new RegoError(
    `Rego rule ${id} returned ${JSON.stringify(item)}: expected a string or an object with msg`,
    { hint: 'return `msg` or `{"id": ..., "msg": ..., "path": ...}` from deny/warn' },
  );
}

/** Walks `data` and collects every package's deny and warn sets (bounded depth). */
export function findingsFromData(data: unknown): Finding[] {
  const out: Finding[] = [];
  const walk = (node: unknown, path: readonly string[]) => {
    if (!isRecord(node) || path.length > 32) return;
    for (const [key, value] of Object.entries(node)) {
      if ((key === "deny" || key === "warn") && Array.isArray(value) && path.length > 0) {
        for (const item of value) out.push(toFinding(path.join("."), key, item));
      } else walk(value, [...path, key]);
    }
  };
  walk(data, []);
  return out;
}

/** Evaluates every policy file over `input` with `opa eval`; resolves to the findings. */
export async function evaluateRego(
  input: RegoInput,
  settings: RegoSettings,
  runner: CommandRunner = runCommand,
): Promise<Finding[]> {
  if (settings.files.length === 0) return [];
  const opa = settings.opa ?? "opa";
  const deadlineMs = settings.deadlineMs ?? 5000;
  const args = ["eval", "--format", "json", "--stdin-input"];
  for (const f of settings.files) args.push("--data", f);
  args.push("data");
  let result: { exitCode: number; stdout: string; stderr: string };
  try {
    result = await runner(opa, args, {
      input: JSON.stringify(input),
      signal: AbortSignal.timeout(deadlineMs),
      killGraceMs: 500,
      okExitCodes: [0, 1, 2],
    });
  } catch (cause) {
    if (cause instanceof CommandError && cause.code === "COMMAND_ABORTED") {
      throw new RegoTimeoutError(`Rego policy evaluation ran past its deadline of ${deadlineMs} ms`, {
        hint: "a policy loops or iterates over too much; fix it, or raise policy.regoTimeoutSeconds",
        cause,
      });
    }
    if (cause instanceof CommandError && cause.code === "COMMAND_NOT_FOUND") {
      throw new RegoError(`policy.rego needs OPA, but ${opa} was not found`, {
        hint: "install opa (go install github.com/open-policy-agent/opa@latest) or set policy.opa in codeploy.yaml",
        cause,
      });
    }
    throw cause;
  }
  if (result.exitCode !== 0) {
    const errors = opaErrors(result.stdout);
    const lines = errors.map(
      (e) => `${e.file ?? "?"}${e.row !== undefined ? `:${e.row}` : ""}: ${e.message}`,
    );
    throw new RegoError(
      `Rego policy failed:\n  ${lines.length > 0 ? lines.join("\n  ") : result.stderr.trim() || result.stdout.trim()}`,
      { hint: "fix the policy file at the line shown; `opa check FILE` explains more", details: errors },
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(result.stdout);
  } catch (cause) {
    throw new RegoError("opa eval printed something that is not JSON", { cause });
  }
  const first = isRecord(doc) && Array.isArray(doc.result) ? doc.result[0] : undefined;
  const expr = isRecord(first) && Array.isArray(first.expressions) ? first.expressions[0] : undefined;
  return findingsFromData(isRecord(expr) ? expr.value : undefined);
}
