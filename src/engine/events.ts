/**
 * Typed engine events. The CLI's progress display, the API's SSE stream, the
 * state store and the metrics all consume the same events.
 */
export interface EventError {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
  readonly hint?: string;
}

interface Base {
  /** Epoch milliseconds from the engine's clock. */
  readonly at: number;
}

export type EngineEvent =
  | (Base & { readonly type: "run-started"; readonly steps: number; readonly parallelism: number })
  | (Base & {
      readonly type: "step-started";
      readonly stepId: string;
      readonly action: string;
      readonly attempt: number;
    })
  | (Base & {
      readonly type: "step-succeeded";
      readonly stepId: string;
      readonly durationMs: number;
      readonly attempts: number;
      readonly outputs?: Readonly<Record<string, string>>;
    })
  | (Base & {
      readonly type: "step-retrying";
      readonly stepId: string;
      readonly attempt: number;
      readonly delayMs: number;
      readonly error: EventError;
    })
  | (Base & {
      readonly type: "step-failed";
      readonly stepId: string;
      readonly durationMs: number;
      readonly attempts: number;
      readonly error: EventError;
    })
  | (Base & { readonly type: "step-skipped"; readonly stepId: string; readonly reason: string })
  | (Base & { readonly type: "step-cancelled"; readonly stepId: string; readonly reason: string })
  | (Base & { readonly type: "step-log"; readonly stepId: string; readonly message: string })
  | (Base & { readonly type: "step-rolled-back"; readonly stepId: string; readonly durationMs: number })
  /** The run's lock was taken over or freed (`unlock --force`), or could not be renewed: no step starts after it. */
  | (Base & { readonly type: "lock-lost"; readonly reason: string })
  | (Base & {
      readonly type: "run-finished";
      readonly outcome: RunOutcome;
      readonly durationMs: number;
      readonly counts: Readonly<Record<StepStatus, number>>;
    });

export type StepStatus = "succeeded" | "failed" | "skipped" | "cancelled" | "unchanged";
export type RunOutcome = "succeeded" | "failed" | "cancelled";
export type EngineEventType = EngineEvent["type"];
