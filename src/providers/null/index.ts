/**
 * The null provider: no side effects, like Terraform's null provider. Each
 * step waits `delayMs` and fails with probability `failureRate` (from a
 * seeded generator, so runs repeat). For tests and benchmarks of the engine.
 */
import type { ObservedResource, Provider, StepResult } from "../../engine/provider.js";
import { ProviderError } from "../../engine/provider.js";

export interface NullProviderOptions {
  /** @default 0 */
  readonly delayMs?: number;
  /** 0..1. @default 0 */
  readonly failureRate?: number;
  /** Failures are retryable (transient) when true. @default true */
  readonly retryable?: boolean;
  /** Steps that always fail, by id. */
  readonly failSteps?: readonly string[];
  /** @default 42 */
  readonly seed?: number;
}

/** mulberry32: a small seeded generator, so failure patterns repeat. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(new ProviderError("ABORTED", "aborted", { retryable: false }));
      },
      { once: true },
    );
  });
}

export function createNullProvider(
  options: NullProviderOptions = {},
): Provider & { readonly applied: ReadonlySet<string> } {
  const random = seeded(options.seed ?? 42);
  const applied = new Set<string>();
  const failSteps = new Set(options.failSteps ?? []);
  const act = async (stepId: string, signal: AbortSignal, remove: boolean): Promise<StepResult> => {
    await wait(options.delayMs ?? 0, signal);
    // failSteps names step ids as planned, so "remove-service:x" can fail apart from "service:x".
    const id = remove ? stepId.replace(/^remove-/, "") : stepId;
    if (failSteps.has(stepId) || random() < (options.failureRate ?? 0)) {
      throw new ProviderError("NULL_FAILURE", `null provider: simulated failure of ${stepId}`, {
        retryable: options.retryable ?? true,
        hint: "the null provider fails on purpose (failureRate / failSteps)",
      });
    }
    if (remove) applied.delete(id);
    else applied.add(id);
    return { message: remove ? "removed (null)" : "applied (null)" };
  };
  return {
    name: "null",
    applied,
    apply: (step, ctx) => act(step.id, ctx.signal, false),
    destroy: (step, ctx) => act(step.id, ctx.signal, true),
    async observe(): Promise<readonly ObservedResource[]> {
      return [...applied].sort().map((id) => {
        const [kind = id, name = id] = id.split(":");
        return { kind, name, status: "running" as const };
      });
    },
  };
}
