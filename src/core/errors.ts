/**
 * One error family for the whole project. Every error carries a stable `code`
 * (for programs), a `message` (for people) and a `hint` (what to do next).
 * The CLI maps them to exit codes in one place (cli/exit.ts), the server to HTTP.
 */
import type { ErrorCode } from "./error-codes.js";

export type { ErrorCode } from "./error-codes.js";

export interface CodeErrorOptions {
  readonly hint?: string;
  readonly cause?: unknown;
  readonly details?: unknown;
  /** Whether trying the same call again may succeed. @default false */
  readonly retryable?: boolean;
}

export class CodeError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: unknown;
  /** Whether trying the same call again may succeed (a dropped connection, 429, 5xx). */
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: CodeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
    this.retryable = options.retryable ?? false;
  }
}

/** Upstream HTTP answers worth another attempt: 408, 429 and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * An upstream HTTP failure (a model API, the Kubernetes API server, a
 * transcription endpoint) as one error whose retryability follows the status.
 */
export function upstreamHttpError(
  code: ErrorCode,
  status: number,
  message: string,
  options: Omit<CodeErrorOptions, "retryable"> = {},
): CodeError {
  return new CodeError(code, message, { ...options, retryable: isRetryableStatus(status) });
}

export function isRetryable(error: unknown): boolean {
  return error instanceof CodeError && error.retryable;
}

/** Wrong use of the command line or the API: a missing argument, an unknown flag, empty text. */
export class UsageError extends CodeError {
  constructor(message: string, options: CodeErrorOptions = {}) {
    super("USAGE", message, options);
  }
}

export interface SpecIssue {
  /** Path in the document, printed as `services[1].replicas`. */
  readonly path: string;
  readonly message: string;
}

/** A document that is not a valid DeploymentSpec; lists every problem. */
export class SpecValidationError extends CodeError {
  readonly issues: readonly SpecIssue[];

  constructor(issues: readonly SpecIssue[], options: CodeErrorOptions = {}) {
    const lines = issues.map((i) => `${i.path || "(root)"}: ${i.message}`);
    super("SPEC_INVALID", `the spec is invalid:\n  ${lines.join("\n  ")}`, {
      hint: "fix the fields listed above; `codeploy schema` prints the full JSON Schema",
      ...options,
      details: issues,
    });
    this.issues = issues;
  }
}

/** A file or text that cannot be parsed at all (YAML/JSON syntax). */
export class ParseError extends CodeError {
  constructor(message: string, options: CodeErrorOptions = {}) {
    super("PARSE", message, options);
  }
}

/** A dependency graph with a cycle; `cycle` names every node on it, first node repeated last. */
export class PlanCycleError extends CodeError {
  readonly cycle: readonly string[];

  constructor(cycle: readonly string[]) {
    super("PLAN_CYCLE", `dependency cycle: ${cycle.join(" -> ")} (each depends on the next)`, {
      hint: "remove one of the dependsOn links on this cycle",
      details: { cycle },
    });
    this.cycle = cycle;
  }
}

/** Policy refused the plan (at least one finding of severity error). */
export class PolicyError extends CodeError {
  constructor(message: string, options: CodeErrorOptions = {}) {
    super("POLICY", message, options);
  }
}

/** A file, setting or resource that the user named does not exist or cannot be read. */
export class NotFoundError extends CodeError {
  constructor(message: string, options: CodeErrorOptions = {}) {
    super("NOT_FOUND", message, options);
  }
}

/** Configuration (codeploy.yaml, environment) is invalid. */
export class ConfigError extends CodeError {
  constructor(message: string, options: CodeErrorOptions = {}) {
    super("CONFIG", message, options);
  }
}

export function isCodeError(value: unknown): value is CodeError {
  return value instanceof CodeError;
}

/**
 * Words that cannot be applied as they are: an action other than deploy or
 * scale (destroy, rollback, status have their own commands and confirmations),
 * or questions left open. `details` names the command to use or the questions.
 */
export class IntentRefusedError extends CodeError {
  constructor(message: string, options: CodeErrorOptions = {}) {
    super("INTENT_REFUSED", message, options);
  }
}
