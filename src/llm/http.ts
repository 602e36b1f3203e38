/**
 * JSON over HTTP for every protocol: one deadline for the whole call, the
 * caller's abort signal, and retries only for 408/429/5xx (and dropped
 * connections), waiting what `Retry-After` asks when the deadline allows it.
 */
import { LlmError, redactSecrets } from "./errors.js";

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export interface HttpOptions {
  /** @default globalThis.fetch */
  readonly fetch?: FetchLike;
  /** @default a timer that stops early on abort */
  readonly sleep?: Sleep;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  /** Attempts after the first. @default 2 */
  readonly maxRetries?: number;
  /** First backoff when the server gives no Retry-After; doubles each time. @default 500 */
  readonly backoffMs?: number;
  /** Longest Retry-After we agree to wait. @default 30000 */
  readonly maxRetryAfterMs?: number;
}

export interface JsonResponse {
  readonly body: unknown;
  readonly attempts: number;
}

export const defaultSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });

/** Seconds or an HTTP date, as RFC 9110 allows; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function upstreamMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const e = parsed.error;
    const m = typeof e === "string" ? e : typeof e?.message === "string" ? e.message : parsed.message;
    if (typeof m === "string") return m;
  } catch {
    // not JSON: show the start of the body
  }
  return text.slice(0, 200);
}

async function once(url: string, init: RequestInit, fetchFn: FetchLike): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchFn(url, init);
  } catch (cause) {
    if (init.signal?.aborted) throw cause;
    throw new LlmError("network", `cannot reach ${new URL(url).origin}: ${(cause as Error).message}`, {
      cause,
      hint: "check the baseUrl and that the server runs",
    });
  }
  const text = await response.text();
  if (!response.ok) {
    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
    throw new LlmError("http", `HTTP ${response.status}: ${redactSecrets(upstreamMessage(text))}`, {
      status: response.status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new LlmError("invalid-response", `the server answered with something other than JSON`, { cause });
  }
}

function deadlineSignal(options: HttpOptions): { signal: AbortSignal; timedOut: () => boolean } {
  const signals: AbortSignal[] = [];
  if (options.signal) signals.push(options.signal);
  const timeout = options.timeoutMs !== undefined ? AbortSignal.timeout(options.timeoutMs) : undefined;
  if (timeout) signals.push(timeout);
  return { signal: AbortSignal.any(signals), timedOut: () => timeout?.aborted === true };
}

function abortError(timedOut: boolean, timeoutMs: number | undefined, cause?: unknown): LlmError {
  return timedOut
    ? new LlmError("timeout", `no answer within ${timeoutMs} ms`, { cause, hint: "raise the deadline" })
    : new LlmError("aborted", "the call was cancelled", { cause });
}

/** POSTs `body` as JSON; returns the parsed JSON answer or throws LlmError. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  options: HttpOptions = {},
): Promise<JsonResponse> {
  const fetchFn = options.fetch ?? ((u, i) => globalThis.fetch(u, i));
  const sleep = options.sleep ?? defaultSleep;
  const maxRetries = options.maxRetries ?? 2;
  const { signal, timedOut } = deadlineSignal(options);
  const started = Date.now();
  const init: RequestInit = {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
    signal,
  };
  for (let attempt = 1; ; attempt++) {
    if (signal.aborted) throw abortError(timedOut(), options.timeoutMs);
    try {
      return { body: await once(url, init, fetchFn), attempts: attempt };
    } catch (error) {
      if (signal.aborted) throw abortError(timedOut(), options.timeoutMs, error);
      if (!(error instanceof LlmError) || !error.retryable || attempt > maxRetries) throw error;
      const wait = error.retryAfterMs ?? (options.backoffMs ?? 500) * 2 ** (attempt - 1);
      const left =
        options.timeoutMs === undefined
          ? Number.POSITIVE_INFINITY
          : options.timeoutMs - (Date.now() - started);
      // Waiting past the deadline or the cap only to fail later helps nobody: report the real cause now.
      if (wait > (options.maxRetryAfterMs ?? 30_000) || wait >= left) throw error;
      await sleep(wait, signal);
    }
  }
}
