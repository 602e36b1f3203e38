/** Engine API failures as ProviderErrors, with secrets taken out of every message. */
import { ProviderError } from "../../engine/provider.js";

const CONNECTION_CODES = new Set(["ECONNREFUSED", "ENOENT", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EACCES"]);

export function statusOf(error: unknown): number | undefined {
  if (error && typeof error === "object" && "statusCode" in error && typeof error.statusCode === "number")
    return error.statusCode;
  return undefined;
}

export function errnoOf(error: unknown): string | undefined {
  if (error && typeof error === "object" && "code" in error && typeof error.code === "string")
    return error.code;
  return undefined;
}

export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}

export function isConflict(error: unknown): boolean {
  return statusOf(error) === 409;
}

/** Replaces every secret value in `text`; secrets shorter than 8 characters are not secrets we generate. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join("[redacted]");
  return out;
}

/** The engine's own words, without the "(HTTP code 500) server error -" preamble that dockerode adds. */
export function engineMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  return raw.replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, "").trim();
}

/**
 * Wraps a failed Engine API call. Lost connections may heal (retryable);
 * answers from the engine (4xx, 5xx) repeat when asked again (not retryable).
 */
export function apiError(what: string, error: unknown, secrets: readonly string[] = []): ProviderError {
  if (error instanceof ProviderError) return error;
  const errno = errnoOf(error);
  const status = statusOf(error);
  if (errno === "ABORT_ERR" || (error instanceof Error && error.name === "AbortError")) {
    return new ProviderError("ABORTED", `${what}: aborted`, { retryable: false });
  }
  const message = redact(engineMessage(error), secrets);
  if (status === undefined && errno !== undefined && CONNECTION_CODES.has(errno)) {
    return new ProviderError("DOCKER_CONNECTION", `${what}: lost the connection to the engine (${errno})`, {
      retryable: true,
      hint: "check that the Docker engine (or podman service) still runs",
    });
  }
  return new ProviderError("DOCKER_API", `${what}: ${message}${status ? ` (HTTP ${status})` : ""}`, {
    retryable: false,
    hint: "the engine refused the request; its message above says why",
  });
}
