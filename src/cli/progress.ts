/**
 * Shows engine events: a live tree of steps with timings on a terminal,
 * plain lines otherwise, or one JSON event per line with --json.
 */
import type { EngineEvent } from "../engine/events.js";
import type { CliIo } from "./io.js";

/** A step as the display needs it: the plan's, or the service's view of it. */
export interface ProgressStep {
  readonly id: string;
}

export type ProgressMode = "tty" | "plain" | "json";

export interface Progress {
  readonly onEvent: (event: EngineEvent) => void;
  /** Draws the final state (tty) and stops redrawing. */
  readonly done: () => void;
}

type State =
  | "waiting"
  | "running"
  | "ok"
  | "failed"
  | "skipped"
  | "cancelled"
  | "unchanged"
  | "retrying"
  | "rolled back";
const MARK: Record<State, string> = {
  waiting: "·",
  running: "…",
  retrying: "↻",
  ok: "✓",
  failed: "✗",
  skipped: "-",
  cancelled: "⊘",
  unchanged: "=",
  "rolled back": "↶",
};

const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export function createProgress(io: CliIo, mode: ProgressMode, steps: readonly ProgressStep[]): Progress {
  if (mode === "json") return { onEvent: (e) => io.stdout(`${JSON.stringify(e)}\n`), done: () => {} };
  if (mode === "plain") return plainProgress(io);
  return ttyProgress(io, steps);
}

function describeEvent(e: EngineEvent): string | undefined {
  switch (e.type) {
    case "run-started":
      return `started: ${e.steps} step(s), up to ${e.parallelism} at once`;
    case "step-started":
      return e.attempt > 1 ? undefined : `… ${e.stepId} (${e.action})`;
    case "step-succeeded":
      return `✓ ${e.stepId} ${secs(e.durationMs)}${e.attempts > 1 ? ` after ${e.attempts} attempts` : ""}`;
    case "step-retrying":
      return `↻ ${e.stepId} attempt ${e.attempt} in ${e.delayMs} ms: ${e.error.message}`;
    case "step-failed":
      return `✗ ${e.stepId} failed after ${e.attempts} attempt(s): ${e.error.message}${e.error.hint ? `\n    hint: ${e.error.hint}` : ""}`;
    case "step-skipped":
      return e.reason === "unchanged" ? `= ${e.stepId} unchanged` : `- ${e.stepId}: ${e.reason}`;
    case "step-cancelled":
      return `⊘ ${e.stepId}: ${e.reason}`;
    case "step-log":
      return `  ${e.stepId}: ${e.message}`;
    case "step-rolled-back":
      return `↶ ${e.stepId} rolled back`;
    case "run-finished":
      return `finished: ${e.outcome} in ${secs(e.durationMs)}`;
    case "lock-lost":
      return `! lock lost: ${e.reason}; no further step starts`;
  }
}

function plainProgress(io: CliIo): Progress {
  return {
    onEvent: (e) => {
      const line = describeEvent(e);
      if (line) io.stdout(`${line}\n`);
    },
    done: () => {},
  };
}

function ttyProgress(io: CliIo, steps: readonly ProgressStep[]): Progress {
  const rows = new Map<string, { state: State; started?: number; ms?: number; note?: string }>();
  for (const s of steps) rows.set(s.id, { state: "waiting" });
  let drawn = 0;
  let last = 0;
  let stopped = false;
  const width = Math.max(...steps.map((s) => s.id.length), 10);
  const draw = (force = false) => {
    const now = Date.now();
    if (stopped || (!force && now - last < 80)) return;
    last = now;
    const lines = steps.map((s) => {
      const r = rows.get(s.id) ?? { state: "waiting" as State };
      const time = r.ms !== undefined ? secs(r.ms) : r.started !== undefined ? secs(now - r.started) : "";
      return `  ${MARK[r.state]} ${s.id.padEnd(width)} ${time.padStart(7)} ${r.note ?? ""}`.trimEnd();
    });
    io.stdout(`${drawn > 0 ? `\x1b[${drawn}F\x1b[J` : ""}${lines.join("\n")}\n`);
    drawn = lines.length;
  };
  const set = (id: string, patch: { state: State; started?: number; ms?: number; note?: string }) => {
    rows.set(id, { ...rows.get(id), ...patch });
  };
  const timer = setInterval(() => draw(), 250);
  timer.unref();
  return {
    onEvent: (e) => {
      if (e.type === "step-started") set(e.stepId, { state: "running", started: e.at });
      else if (e.type === "step-succeeded") set(e.stepId, { state: "ok", ms: e.durationMs });
      else if (e.type === "step-failed")
        set(e.stepId, { state: "failed", ms: e.durationMs, note: e.error.message });
      else if (e.type === "step-retrying")
        set(e.stepId, { state: "retrying", note: `attempt ${e.attempt}: ${e.error.message}` });
      else if (e.type === "step-skipped")
        set(e.stepId, { state: e.reason === "unchanged" ? "unchanged" : "skipped" });
      else if (e.type === "step-cancelled") set(e.stepId, { state: "cancelled" });
      else if (e.type === "step-rolled-back") set(e.stepId, { state: "rolled back" });
      else if (e.type === "step-log")
        set(e.stepId, { state: rows.get(e.stepId)?.state ?? "running", note: e.message });
      draw(e.type === "run-finished");
    },
    done: () => {
      clearInterval(timer);
      draw(true);
      stopped = true;
    },
  };
}
