import { describe, expect, it } from "vitest";
import type { EnvironmentView, HistoryAnswer, StatusAnswer } from "../../service/types.js";
import { captureIo } from "../test-io.js";
import { historyCommand, statusCommand } from "./state.js";

const row = (over: Partial<EnvironmentView>): EnvironmentView => ({
  app: "shop",
  environment: "staging",
  currentRevision: undefined,
  latestRevision: undefined,
  lastDeployment: undefined,
  lock: undefined,
  endpoints: [],
  outputs: {},
  ...over,
});

const serviceOf = (answer: StatusAnswer) => ({ status: async () => answer });

describe("codeploy status", () => {
  it("says an environment whose first deployment waits in the queue is queued, not merely undeployed", async () => {
    const io = captureIo({ isTty: false });
    const code = await statusCommand(io, serviceOf({ environments: [row({ queued: 2 })] }), undefined, {});
    expect(code).toBe(0);
    expect(io.out()).toBe(
      "shop/staging: not running; first deployment queued\n  queued: 2 waiting for a worker\n",
    );
  });

  it("says no deployment when nothing was deployed nor queued", async () => {
    const io = captureIo({ isTty: false });
    await statusCommand(io, serviceOf({ environments: [row({})] }), undefined, {});
    expect(io.out()).toBe("shop/staging: not running; no deployment\n");
  });
});

describe("codeploy history", () => {
  const ran = {
    id: "d1",
    app: "shop",
    environment: "staging",
    number: 1,
    revision: 1,
    action: "apply" as const,
    actor: "key:ops",
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:00:01.000Z",
    outcome: "succeeded" as const,
    state: "succeeded" as const,
    error: undefined,
    eventCount: 3,
  };
  const waiting = (id: string, action: "apply" | "rollback" | "destroy", at: string, attempt = 1) => ({
    id,
    app: "shop",
    environment: "staging",
    action,
    actor: "key:ops",
    state: "queued" as const,
    attempt,
    submittedAt: at,
  });

  it("lists the changes waiting in the deployment queue above what ran, the last in line on top", async () => {
    const io = captureIo({ isTty: false });
    const answer: HistoryAnswer = {
      deployments: [ran],
      revisions: [],
      queued: [
        waiting("q1", "apply", "2026-01-01T00:01:00.000Z"),
        waiting("q2", "rollback", "2026-01-01T00:02:00.000Z", 2),
      ],
    };
    await historyCommand(io, { history: async () => answer }, "shop", {});
    const lines = io.out().trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^2026-01-01T00:02:00.000Z +staging +rollback +queued +by key:ops {2}id q2 \(attempt 2\)$/,
    );
    expect(lines[1]).toMatch(/ apply +queued +by key:ops {2}id q1$/);
    expect(lines[2]).toMatch(/#1 +apply +rev 1 +succeeded +by key:ops$/);
  });

  it("lists an app whose only change is still queued instead of saying it has no history", async () => {
    const io = captureIo({ isTty: false });
    const answer: HistoryAnswer = {
      deployments: [],
      revisions: [],
      queued: [waiting("q1", "apply", "2026-01-01T00:01:00.000Z")],
    };
    await historyCommand(io, { history: async () => answer }, "shop", {});
    expect(io.out()).toMatch(/apply +queued +by key:ops {2}id q1\n$/);
    expect(io.out()).not.toMatch(/no history/);
  });
});
