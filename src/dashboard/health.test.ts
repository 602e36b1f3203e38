import { describe, expect, it } from "vitest";
import type { EnvironmentView, StatusAnswer, StatusRequest } from "../service/types.js";
import { healthChecker, healthOf } from "./health.js";

function view(app: string, extra: Partial<EnvironmentView> = {}): EnvironmentView {
  return {
    app,
    environment: "staging",
    currentRevision: 1,
    latestRevision: 1,
    lastDeployment: undefined,
    lock: undefined,
    endpoints: [],
    outputs: {},
    ...extra,
  };
}

/** The service's live status, answered by hand: each call waits for `release(app)`. */
function slowStatus() {
  const calls: string[] = [];
  const waiting = new Map<string, (answer: StatusAnswer) => void>();
  return {
    calls,
    release(app: string, extra: Partial<EnvironmentView> = {}) {
      waiting.get(app)?.({ environments: [view(app, extra)] });
    },
    service: {
      status: (request: StatusRequest = {}) => {
        expect(request.live).toBe(true);
        calls.push(request.app ?? "");
        return new Promise<StatusAnswer>((resolve) => waiting.set(request.app ?? "", resolve));
      },
    },
  };
}

const running = { workloads: [{ kind: "container", name: "web", status: "running" as const }] };

describe("health from the provider", () => {
  it("says healthy, degraded, unknown, not reported or not deployed", () => {
    expect(healthOf(view("a", running))).toEqual({ state: "healthy" });
    expect(
      healthOf(
        view("a", { workloads: [{ kind: "container", name: "web", status: "stopped" }], problems: ["x"] }),
      ),
    ).toEqual({ state: "degraded", detail: "1 workload(s) not running, 1 drift finding(s)" });
    expect(healthOf(view("a", { observeError: "engine unreachable" }))).toEqual({
      state: "unknown",
      detail: "engine unreachable",
    });
    expect(healthOf(view("a")).state).toBe("not reported");
    expect(healthOf(view("a", { currentRevision: undefined })).state).toBe("not deployed");
  });

  it("asks every row of the page at once, and says unknown for one slower than the deadline", async () => {
    const s = slowStatus();
    const check = healthChecker({ deadlineMs: 50 });
    const pending = check(s.service, [
      view("fast"),
      view("slow"),
      view("gone", { currentRevision: undefined }),
    ]);
    // Both providers asked before either answered; a row with nothing deployed is not asked.
    expect(s.calls).toEqual(["fast", "slow"]);
    s.release("fast", running);
    const health = await pending;
    expect(health.get("fast/staging")).toEqual({ state: "healthy" });
    expect(health.get("slow/staging")).toEqual({ state: "unknown", detail: "no answer within 0.05 s" });
    expect(health.get("gone/staging")).toEqual({ state: "not deployed" });
  });

  it("keeps answers for the TTL, shares a call in flight, and asks again after a new deployment", async () => {
    let now = 0;
    const s = slowStatus();
    const check = healthChecker({ deadlineMs: 1000, ttlMs: 30_000, now: () => now });
    const first = check(s.service, [view("shop")]);
    const second = check(s.service, [view("shop")]);
    s.release("shop", running);
    expect((await first).get("shop/staging")).toEqual({ state: "healthy" });
    expect((await second).get("shop/staging")).toEqual({ state: "healthy" });
    expect(s.calls).toEqual(["shop"]);
    now = 29_000;
    await check(s.service, [view("shop")]);
    expect(s.calls).toHaveLength(1);
    now = 31_000;
    const stale = check(s.service, [view("shop")]);
    s.release("shop", running);
    await stale;
    expect(s.calls).toHaveLength(2);
    const redeployed = check(s.service, [view("shop", { currentRevision: 2 })]);
    s.release("shop", running);
    await redeployed;
    expect(s.calls).toHaveLength(3);
  });

  it("says unknown with the reason when the status call fails", async () => {
    const check = healthChecker({ deadlineMs: 1000 });
    const failing = { status: () => Promise.reject(new Error("FORBIDDEN: not yours\nstack")) };
    expect((await check(failing, [view("x")])).get("x/staging")).toEqual({
      state: "unknown",
      detail: "FORBIDDEN: not yours",
    });
  });
});
