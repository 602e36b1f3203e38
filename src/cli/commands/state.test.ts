import { describe, expect, it } from "vitest";
import type { EnvironmentView, StatusAnswer } from "../../service/types.js";
import { captureIo } from "../test-io.js";
import { statusCommand } from "./state.js";

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
