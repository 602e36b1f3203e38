/** LLM failures: one class, with the HTTP status and whether a retry may help. */
import { CodeError, type CodeErrorOptions, type ErrorCode, isRetryableStatus } from "../core/errors.js";
import { maskSecretValues } from "../core/redact.js";

export type LlmErrorKind = "http" | "timeout" | "aborted" | "network" | "invalid-response" | "config";

export interface LlmErrorOptions extends CodeErrorOptions {
  readonly status?: number;
  readonly retryAfterMs?: number;
}

const LLM_CODES = {
  http: "LLM_HTTP",
  timeout: "LLM_TIMEOUT",
  aborted: "LLM_ABORTED",
  network: "LLM_NETWORK",
  "invalid-response": "LLM_INVALID_RESPONSE",
  config: "LLM_CONFIG",
} as const satisfies Record<LlmErrorKind, ErrorCode>;

export class LlmError extends CodeError {
  readonly kind: LlmErrorKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(kind: LlmErrorKind, message: string, options: LlmErrorOptions = {}) {
    super(LLM_CODES[kind], message, {
      ...options,
      // Only 408, 429 and 5xx are worth another attempt (and network drops).
      retryable:
        kind === "network" ||
        (kind === "http" && options.status !== undefined && isRetryableStatus(options.status)),
    });
    this.kind = kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * Keys and tokens out of anything we show: upstream bodies sometimes echo them.
 * The model providers' own key shapes first, then every credential core/secrets.ts
 * recognises by value.
 */
export function redactSecrets(text: string): string {
  const masked = text
    .replace(/\b(sk|pk|gsk|sk-ant|AIza)[-_A-Za-z0-9]{12,}/g, "[redacted]")
    .replace(/(key=)[^&\s"]+/gi, "$1[redacted]")
    .replace(/(bearer\s+)[^\s"]+/gi, "$1[redacted]");
  return maskSecretValues(masked);
}
