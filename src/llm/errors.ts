/** LLM failures: one class, with the HTTP status and whether a retry may help. */
import { CodeError, type CodeErrorOptions } from "../core/errors.js";

export type LlmErrorKind = "http" | "timeout" | "aborted" | "network" | "invalid-response" | "config";

export interface LlmErrorOptions extends CodeErrorOptions {
  readonly status?: number;
  readonly retryAfterMs?: number;
}

export class LlmError extends CodeError {
  readonly kind: LlmErrorKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(kind: LlmErrorKind, message: string, options: LlmErrorOptions = {}) {
    super(`LLM_${kind.toUpperCase().replace("-", "_")}`, message, options);
    this.kind = kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** Only 408, 429 and 5xx are worth another attempt (and network drops). */
  get retryable(): boolean {
    if (this.kind === "network") return true;
    if (this.kind !== "http" || this.status === undefined) return false;
    return this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** Keys and tokens out of anything we show: upstream bodies sometimes echo them. */
export function redactSecrets(text: string): string {
  return text
    .replace(/\b(sk|pk|gsk|sk-ant|AIza)[-_A-Za-z0-9]{12,}/g, "[redacted]")
    .replace(/(key=)[^&\s"]+/gi, "$1[redacted]")
    .replace(/(bearer\s+)[^\s"]+/gi, "$1[redacted]");
}
