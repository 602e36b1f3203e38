/**
 * Terraform failures sorted into a few kinds people can act on: a held state
 * lock, missing or refused credentials, providers that cannot be downloaded,
 * invalid configuration (with file:line), a stale plan, a changed backend.
 * Everything else keeps Terraform's own words. Diagnostics come from the
 * `-json` lines when there are any, else from the text on stderr.
 */
import { ProviderError } from "../../engine/provider.js";
import { type Diagnostic, stripAnsi } from "./events.js";

export type TerraformErrorCode =
  | "LOCKED"
  | "TF_AUTH"
  | "TF_PROVIDER_DOWNLOAD"
  | "TF_CONFIG_INVALID"
  | "TF_PLAN_STALE"
  | "TF_BACKEND_CHANGED"
  | "TF_DATA_LOSS"
  | "TF_RESOURCE_MISSING"
  | "TF_PLAN_CHANGED"
  | "TF_NO_PLAN"
  | "TF_WRONG_TARGET"
  | "TF_NOT_FOUND"
  | "TF_ABORTED"
  | "TF_FAILED";

export class TerraformError extends ProviderError {
  override readonly code: TerraformErrorCode;
  readonly diagnostics: readonly Diagnostic[];
  /** The lock id, for LOCKED. */
  readonly lockId: string | undefined;

  constructor(
    code: TerraformErrorCode,
    message: string,
    options: { hint?: string; cause?: unknown; diagnostics?: readonly Diagnostic[]; lockId?: string } = {},
  ) {
    super(code, message, {
      retryable: false,
      ...(options.hint ? { hint: options.hint } : {}),
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
      details: options.diagnostics ?? [],
    });
    this.code = code;
    this.diagnostics = options.diagnostics ?? [];
    this.lockId = options.lockId;
  }
}

export interface FailureContext {
  /** `init`, `plan`, `apply`... */
  readonly command: string;
  /** Where Terraform ran, for hints. */
  readonly dir: string;
  readonly diagnostics: readonly Diagnostic[];
  readonly stderr: string;
  readonly exitCode: number;
  readonly cause?: unknown;
}

/** Diagnostics from Terraform's boxed text output (commands without -json, or errors before it applies). */
export function diagnosticsFromText(stderr: string): Diagnostic[] {
  const lines = stripAnsi(stderr)
    .split("\n")
    .map((l) => l.replace(/^[│╷╵]\s?/, "").trimEnd());
  const out: Diagnostic[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = /^(Error|Warning): (.+)$/.exec(lines[i] ?? "");
    if (!match) continue;
    const detail: string[] = [];
    while (i + 1 < lines.length && !/^(Error|Warning): /.test(lines[i + 1] ?? ""))
      detail.push(lines[++i] ?? "");
    out.push({
      severity: match[1] === "Warning" ? "warning" : "error",
      summary: match[2] ?? "",
      detail: detail.join("\n").trim(),
    });
  }
  return out;
}

function unique(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.summary}|${d.detail}|${d.range?.filename}:${d.range?.line}|${d.address}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function where(d: Diagnostic): string {
  const at = d.range ? `${d.range.filename}:${d.range.line}` : undefined;
  return [d.address, at].filter(Boolean).join(" at ");
}

/** `terraform_data.bad at main.tf:2: local-exec provisioner error: Error running command...` */
export function describeDiagnostic(d: Diagnostic): string {
  const detail = d.detail
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .slice(0, 3)
    .join(" ");
  const place = where(d);
  return `${place ? `${place}: ` : ""}${d.summary}${detail ? `: ${detail}` : ""}`;
}

const AUTH =
  /no valid credential sources|could not find default credentials|unauthori[sz]ed|\b401\b|\b403\b|forbidden|access ?denied|InvalidClientTokenId|ExpiredToken|AuthorizationFailed|authentication failed|invalid_grant|az login/i;
const DOWNLOAD =
  /Failed to query available provider packages|could not connect to registry|Failed to install provider|Failed to download|Could not retrieve the list of available versions|Required plugins are not installed|Inconsistent dependency lock file|Incompatible provider version/i;

function text(d: Diagnostic): string {
  return `${d.summary}\n${d.detail}`;
}

function lockError(d: Diagnostic, ctx: FailureContext, all: Diagnostic[]): TerraformError {
  const id = /ID:\s+(\S+)/.exec(d.detail)?.[1];
  const who = /Who:\s+(.+)/.exec(d.detail)?.[1]?.trim();
  const since = /Created:\s+(.+)/.exec(d.detail)?.[1]?.trim();
  const holder = who ? ` by ${who}${since ? ` since ${since}` : ""}` : "";
  return new TerraformError(
    "LOCKED",
    `the Terraform state is locked${holder}${id ? ` (lock id ${id})` : ""}: another terraform run is using it`,
    {
      hint: `wait for that run to finish; if it died, free the lock with \`terraform force-unlock${id ? ` ${id}` : ""}\` in ${ctx.dir} (same workspace and backend)`,
      diagnostics: all,
      ...(id ? { lockId: id } : {}),
    },
  );
}

interface Rule {
  readonly code: TerraformErrorCode;
  readonly matches: (d: Diagnostic) => boolean;
  readonly message: (d: Diagnostic) => string;
  readonly hint: (ctx: FailureContext) => string;
}

/** The kinds people can act on, first match wins (a registry 403 is a download failure, not a login one). */
const RULES: readonly Rule[] = [
  {
    code: "TF_PROVIDER_DOWNLOAD",
    matches: (d) => DOWNLOAD.test(text(d)),
    message: (d) => `terraform could not install the providers the module needs: ${describeDiagnostic(d)}`,
    hint: () =>
      "check the network and the registry; offline, point Terraform at a provider mirror or a plugin cache through a CLI configuration file (TF_CLI_CONFIG_FILE, or providers.terraform.cliConfigFile in codeploy.yaml)",
  },
  {
    code: "TF_PLAN_STALE",
    matches: (d) => /Saved plan is stale/i.test(d.summary),
    message: (d) => `the saved plan can no longer be applied: ${describeDiagnostic(d)}`,
    hint: () => "the state changed since the plan was made: plan again, review, then apply",
  },
  {
    code: "TF_BACKEND_CHANGED",
    matches: (d) => /Backend configuration changed|Backend initialization required/i.test(d.summary),
    message: (d) => `the state backend settings changed: ${describeDiagnostic(d)}`,
    hint: (ctx) =>
      `to move the existing state, run \`terraform init -migrate-state\` in ${ctx.dir}; to start from the new backend's state, \`terraform init -reconfigure\``,
  },
  {
    code: "TF_CONFIG_INVALID",
    matches: (d) => /No value for required variable/i.test(d.summary),
    message: (d) => `a required input variable has no value: ${describeDiagnostic(d)}`,
    hint: () =>
      "pass it with --var NAME=VALUE, a terraform.tfvars file in the module, or TF_VAR_NAME in the environment",
  },
  {
    code: "TF_AUTH",
    matches: (d) => AUTH.test(text(d)),
    message: (d) => `the cloud or state backend refused the credentials: ${describeDiagnostic(d)}`,
    hint: () =>
      "sign in or export the credentials (AWS_PROFILE / AWS_ACCESS_KEY_ID, GOOGLE_APPLICATION_CREDENTIALS, ARM_* or `az login`) in the environment codeploy runs in",
  },
];

/** The one place that turns a failed terraform command into a typed, explained error. */
export function classifyFailure(ctx: FailureContext): TerraformError {
  const fromText = ctx.diagnostics.some((d) => d.severity === "error") ? [] : diagnosticsFromText(ctx.stderr);
  const all = unique([...ctx.diagnostics, ...fromText]);
  const errors = all.filter((d) => d.severity === "error");
  const options = { diagnostics: all, ...(ctx.cause !== undefined ? { cause: ctx.cause } : {}) };
  const lock = errors.find((d) => /Error acquiring the state lock|state (is )?locked/i.test(text(d)));
  if (lock) return lockError(lock, ctx, all);
  for (const rule of RULES) {
    const hit = errors.find(rule.matches);
    if (hit) return new TerraformError(rule.code, rule.message(hit), { ...options, hint: rule.hint(ctx) });
  }
  const invalid = errors.filter((d) => d.range && !d.address);
  if (invalid.length > 0 && ctx.command !== "apply") {
    return new TerraformError(
      "TF_CONFIG_INVALID",
      `the Terraform configuration is invalid:\n  ${invalid.map(describeDiagnostic).join("\n  ")}`,
      { ...options, hint: "fix the files named above (`terraform validate` shows the same problems)" },
    );
  }
  const first = errors[0];
  const what = first ? describeDiagnostic(first) : lastLine(ctx.stderr) || `exit code ${ctx.exitCode}`;
  const rest = errors.slice(1, 4).map(describeDiagnostic);
  return new TerraformError(
    "TF_FAILED",
    `terraform ${ctx.command} failed: ${what}${rest.length > 0 ? `\n  ${rest.join("\n  ")}` : ""}`,
    { ...options, hint: "the message above is Terraform's; fix the cause and apply again" },
  );
}

function lastLine(s: string): string {
  return (
    stripAnsi(s)
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? ""
  );
}
