/**
 * Resilience around each provider call (cockatiel):
 * - retry: only failures whose `retryable` is true (ProviderError), with
 *   exponential backoff and decorrelated jitter, up to `maxAttempts` in all;
 * - circuit breaker: one per provider, shared by every step and run that uses
 *   the same ResiliencePolicy; opens after `breakerThreshold` consecutive
 *   failures, lets one probe through after `halfOpenAfterMs` (half-open);
 * - deadline: each attempt is aborted after `timeoutMs` and counts as a
 *   retryable timeout.
 */
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleAll,
  handleWhen,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
} from "cockatiel";
import { isRetryable, ProviderError } from "./provider.js";

export interface RetrySettings {
  /** Attempts in all, the first included. @default 3 */
  readonly maxAttempts: number;
  /** @default 200 */
  readonly initialDelayMs: number;
  /** @default 10_000 */
  readonly maxDelayMs: number;
  /** Consecutive failures that open a provider's breaker. @default 5 */
  readonly breakerThreshold: number;
  /** @default 30_000 */
  readonly halfOpenAfterMs: number;
}

export const DEFAULT_RETRY: RetrySettings = {
  maxAttempts: 3,
  initialDelayMs: 200,
  maxDelayMs: 10_000,
  breakerThreshold: 5,
  halfOpenAfterMs: 30_000,
};

export interface ExecuteOptions {
  readonly provider: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
}

export interface ResiliencePolicy {
  execute<T>(
    key: string,
    fn: (signal: AbortSignal, attempt: number) => Promise<T>,
    options: ExecuteOptions,
  ): Promise<T>;
  /** The breaker state per provider, for status and metrics. */
  breakerState(provider: string): "closed" | "open" | "half-open" | "isolated";
}

const STATES = ["closed", "open", "half-open", "isolated"] as const;

export function createStepPolicy(settings: Partial<RetrySettings> = {}): ResiliencePolicy {
  const s = { ...DEFAULT_RETRY, ...settings };
  const breakers = new Map<string, CircuitBreakerPolicy>();
  const breakerFor = (provider: string) => {
    let b = breakers.get(provider);
    if (!b) {
      b = circuitBreaker(handleAll, {
        halfOpenAfter: s.halfOpenAfterMs,
        breaker: new ConsecutiveBreaker(s.breakerThreshold),
      });
      breakers.set(provider, b);
    }
    return b;
  };
  return {
    async execute(_key, fn, options) {
      const retryPolicy = retry(
        handleWhen((e) => isRetryable(e)),
        {
          maxAttempts: Math.max(0, s.maxAttempts - 1),
          backoff: new ExponentialBackoff({ initialDelay: s.initialDelayMs, maxDelay: s.maxDelayMs }),
        },
      );
      const listener = retryPolicy.onRetry((reason) => {
        if ("error" in reason) options.onRetry?.(reason.attempt + 1, reason.delay, reason.error);
      });
      const deadline = timeout(options.timeoutMs, TimeoutStrategy.Aggressive);
      const breaker = breakerFor(options.provider);
      try {
        return await retryPolicy.execute(
          ({ attempt }) =>
            breaker.execute(async () => {
              try {
                return await deadline.execute(({ signal }) => fn(signal, attempt + 1), options.signal);
              } catch (error) {
                if (error instanceof TaskCancelledError && !options.signal?.aborted) {
                  throw new ProviderError("STEP_TIMEOUT", `no answer within ${options.timeoutMs} ms`, {
                    retryable: true,
                    hint: "the step's deadline passed; raise it with --step-timeout if the work is just slow",
                  });
                }
                throw error;
              }
            }, options.signal),
          options.signal,
        );
      } catch (error) {
        if (error instanceof BrokenCircuitError) {
          throw new ProviderError(
            "CIRCUIT_OPEN",
            `provider ${options.provider} is failing: its circuit breaker is open`,
            {
              hint: `after ${s.breakerThreshold} consecutive failures calls stop for ${s.halfOpenAfterMs} ms; check the provider, then retry`,
              cause: error,
            },
          );
        }
        throw error;
      } finally {
        listener.dispose();
      }
    },
    breakerState(provider) {
      const b = breakers.get(provider);
      return b ? (STATES[b.state] ?? "closed") : "closed";
    },
  };
}
