import { describe, expect, it } from "vitest";
import type { StepEvent } from "../state/types.js";
import { stepTree } from "./step-tree.js";

let seq = 0;
const ev = (type: string, step: string | undefined, data: unknown = {}, message?: string): StepEvent => ({
  deploymentId: "d",
  seq: ++seq,
  type,
  step,
  message,
  data,
  at: "2026-01-01T00:00:00Z",
});

describe("stepTree", () => {
  it("folds events into one line per step with retries, logs, timings and the outcome", () => {
    const tree = stepTree([
      ev("run-started", undefined, { steps: 2 }),
      ev("step-started", "network", { attempt: 1 }),
      ev("step-succeeded", "network", { durationMs: 12, attempts: 1 }),
      ev("step-started", "service:web", { attempt: 1 }),
      ev("step-retrying", "service:web", { attempt: 1 }, "pull timed out"),
      ev("step-started", "service:web", { attempt: 2 }),
      ev("step-log", "service:web", {}, "pulled nginx:1.27"),
      ev("step-failed", "service:web", { durationMs: 900, attempts: 2 }, "port in use"),
      ev("step-rolled-back", "network", { durationMs: 3 }),
      ev("run-finished", undefined, { outcome: "failed", durationMs: 1000 }),
    ]);
    expect(tree.outcome).toBe("failed");
    expect(tree.durationMs).toBe(1000);
    expect(tree.lastSeq).toBe(seq);
    expect(tree.steps.map((s) => [s.id, s.state])).toEqual([
      ["network", "rolled-back"],
      ["service:web", "failed"],
    ]);
    const web = tree.steps[1];
    expect(web?.attempts).toBe(2);
    expect(web?.retries).toEqual(["pull timed out"]);
    expect(web?.logs).toEqual(["pulled nginx:1.27"]);
    expect(web?.error).toBe("port in use");
    expect(web?.durationMs).toBe(900);
  });

  it("shows a step that started and has not ended as running", () => {
    const tree = stepTree([ev("step-started", "db", { attempt: 1 })]);
    expect(tree.steps[0]?.state).toBe("running");
    expect(tree.outcome).toBeUndefined();
  });
});
