/**
 * A deployment's stored step events folded into one line per step: state,
 * attempts, retries with their errors, duration and the provider's log lines.
 * The live page re-renders this from the store on each event, so a replay
 * and a live stream show the same tree.
 */
import type { StepEvent } from "../state/types.js";

export type StepState =
  | "running"
  | "retrying"
  | "succeeded"
  | "failed"
  | "skipped"
  | "cancelled"
  | "rolled-back";

export interface StepLine {
  readonly id: string;
  state: StepState;
  attempts: number;
  durationMs: number | undefined;
  startedAt: string;
  readonly retries: string[];
  readonly logs: string[];
  error: string | undefined;
}

export interface RunSummary {
  readonly steps: StepLine[];
  outcome: string | undefined;
  durationMs: number | undefined;
  /** The last event's seq (where a stream resumes). */
  lastSeq: number;
}

const MAX_LOG_LINES = 200;

function numberField(data: unknown, name: string): number | undefined {
  if (data === null || typeof data !== "object" || !(name in data)) return undefined;
  const value: unknown = Reflect.get(data, name);
  return typeof value === "number" ? value : undefined;
}

function stringField(data: unknown, name: string): string | undefined {
  if (data === null || typeof data !== "object" || !(name in data)) return undefined;
  const value: unknown = Reflect.get(data, name);
  return typeof value === "string" ? value : undefined;
}

export function stepTree(events: readonly StepEvent[]): RunSummary {
  const byId = new Map<string, StepLine>();
  const summary: RunSummary = { steps: [], outcome: undefined, durationMs: undefined, lastSeq: 0 };
  const lineOf = (e: StepEvent & { step: string }): StepLine => {
    let line = byId.get(e.step);
    if (line === undefined) {
      line = {
        id: e.step,
        state: "running",
        attempts: 0,
        durationMs: undefined,
        startedAt: e.at,
        retries: [],
        logs: [],
        error: undefined,
      };
      byId.set(e.step, line);
      summary.steps.push(line);
    }
    return line;
  };
  for (const e of events) {
    summary.lastSeq = Math.max(summary.lastSeq, e.seq);
    if (e.type === "run-finished") {
      summary.outcome = stringField(e.data, "outcome");
      summary.durationMs = numberField(e.data, "durationMs");
      continue;
    }
    if (e.step === undefined) continue;
    const line = lineOf({ ...e, step: e.step });
    switch (e.type) {
      case "step-started":
        line.state = "running";
        line.attempts = numberField(e.data, "attempt") ?? line.attempts + 1;
        break;
      case "step-retrying":
        line.state = "retrying";
        line.retries.push(e.message ?? "retrying");
        break;
      case "step-succeeded":
      case "step-failed":
        line.state = e.type === "step-succeeded" ? "succeeded" : "failed";
        line.durationMs = numberField(e.data, "durationMs");
        line.attempts = numberField(e.data, "attempts") ?? line.attempts;
        if (e.type === "step-failed") line.error = e.message;
        break;
      case "step-skipped":
      case "step-cancelled":
        line.state = e.type === "step-skipped" ? "skipped" : "cancelled";
        line.error = e.message;
        break;
      case "step-rolled-back":
        line.state = "rolled-back";
        break;
      case "step-log":
        if (line.logs.length < MAX_LOG_LINES) line.logs.push(e.message ?? "");
        break;
    }
  }
  return summary;
}
