import { describe, expect, it } from "vitest";
import { buildPlan, type PlanStep } from "../plan/build.js";
import { createNullProvider } from "../providers/null/index.js";
import type { RenderResult } from "../render/types.js";
import { validateSpec } from "../spec/validate.js";
import type { EngineEvent } from "./events.js";
import { createStepPolicy } from "./policies.js";
import { type Provider, ProviderError } from "./provider.js";
import { runPlan } from "./run.js";

const spec = validateSpec({
  name: "shop",
  services: [
    { name: "web", image: "acme/web:1", dependsOn: ["api"] },
    { name: "api", image: "acme/api:1", dependsOn: ["postgres", "redis"] },
  ],
  databases: [{ name: "postgres", engine: "postgres" }],
  caches: [{ name: "redis", engine: "redis" }],
});
const artifacts: RenderResult = { target: "docker", files: [] };
const plan = buildPlan(spec);
const fast = { initialDelayMs: 1, maxDelayMs: 2 };

/** A provider whose apply runs `fn`; destroy and observe do nothing. */
function providerApplying(name: string, fn: (step: PlanStep) => Promise<void>): Provider {
  return {
    name,
    async apply(step) {
      await fn(step);
      return {};
    },
    async destroy() {
      return {};
    },
    async observe() {
      return [];
    },
  };
}

function record() {
  const events: EngineEvent[] = [];
  return { events, onEvent: (e: EngineEvent) => events.push(e) };
}

describe("runPlan", () => {
  it("runs every step after its dependencies and reports success", async () => {
    const provider = createNullProvider({ delayMs: 2 });
    const { events, onEvent } = record();
    const result = await runPlan(plan.steps, {
      provider,
      spec,
      artifacts,
      revision: 1,
      onEvent,
      retry: fast,
    });
    expect(result.outcome).toBe("succeeded");
    expect(provider.applied.size).toBe(plan.steps.length);
    // Every step starts only after each of its dependencies has succeeded.
    const at = (type: string, id: string) =>
      events.findIndex((e) => e.type === type && "stepId" in e && e.stepId === id);
    for (const step of plan.steps) {
      for (const dep of step.dependsOn) {
        expect(at("step-succeeded", dep)).toBeGreaterThanOrEqual(0);
        expect(at("step-succeeded", dep)).toBeLessThan(at("step-started", step.id));
      }
    }
    expect(events[0]?.type).toBe("run-started");
    expect(events.at(-1)).toMatchObject({ type: "run-finished", outcome: "succeeded" });
  });

  it("never runs more steps at once than the parallelism", async () => {
    const steps: PlanStep[] = Array.from({ length: 40 }, (_, i) => ({
      id: `s${i}`,
      kind: "service",
      action: "create",
      dependsOn: [],
      description: "",
    }));
    let running = 0;
    let peak = 0;
    const provider = providerApplying("probe", async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 3));
      running--;
    });
    const result = await runPlan(steps, { provider, spec, artifacts, revision: 1, parallelism: 5 });
    expect(result.outcome).toBe("succeeded");
    expect(peak).toBe(5);
  });

  it("retries retryable failures with backoff, then succeeds", async () => {
    let calls = 0;
    const provider = providerApplying("flaky", async (step) => {
      if (step.id === "database:postgres" && ++calls < 3)
        throw new ProviderError("KUBE_SERVER_ERROR", "try again", { retryable: true });
    });
    const { events, onEvent } = record();
    const result = await runPlan(plan.steps, {
      provider,
      spec,
      artifacts,
      revision: 1,
      onEvent,
      retry: fast,
    });
    expect(result.outcome).toBe("succeeded");
    const retries = events.filter((e) => e.type === "step-retrying");
    expect(retries.map((e) => (e.type === "step-retrying" ? e.attempt : 0))).toEqual([2, 3]);
    expect(result.steps.get("database:postgres")?.attempts).toBe(3);
  });

  it("does not retry a failure that is not retryable, and skips what depends on it", async () => {
    const provider = createNullProvider({ failSteps: ["cache:redis"], retryable: false });
    const { events, onEvent } = record();
    const result = await runPlan(plan.steps, {
      provider,
      spec,
      artifacts,
      revision: 1,
      onEvent,
      retry: fast,
    });
    expect(result.outcome).toBe("failed");
    expect(result.failure?.stepId).toBe("cache:redis");
    expect(result.steps.get("cache:redis")).toMatchObject({ status: "failed", attempts: 1 });
    expect(result.steps.get("service:api")?.status).toBe("skipped");
    expect(result.steps.get("service:web")?.status).toBe("skipped");
    expect(events.some((e) => e.type === "step-retrying")).toBe(false);
  });

  it("turns a step that outlives its deadline into a timeout failure", async () => {
    const provider = createNullProvider({ delayMs: 200 });
    const result = await runPlan(plan.steps, {
      provider,
      spec,
      artifacts,
      revision: 1,
      stepTimeoutMs: 20,
      retry: { ...fast, maxAttempts: 2 },
    });
    expect(result.outcome).toBe("failed");
    expect(result.failure?.error.code).toBe("STEP_TIMEOUT");
    expect(result.steps.get("network")?.attempts).toBe(2);
  });

  it("opens the provider's circuit breaker after consecutive failures", async () => {
    const resilience = createStepPolicy({
      ...fast,
      maxAttempts: 1,
      breakerThreshold: 2,
      halfOpenAfterMs: 60_000,
    });
    const provider = createNullProvider({ failureRate: 1, retryable: true });
    const r1 = await runPlan(plan.steps, { provider, spec, artifacts, revision: 1, resilience });
    const r2 = await runPlan(plan.steps, { provider, spec, artifacts, revision: 1, resilience });
    expect(r1.failure?.error.code).toBe("NULL_FAILURE");
    expect(r2.failure?.error.code).toBe("NULL_FAILURE");
    const r3 = await runPlan(plan.steps, { provider, spec, artifacts, revision: 1, resilience });
    expect(r3.failure?.error.code).toBe("CIRCUIT_OPEN");
    expect(resilience.breakerState("null")).toBe("open");
  });

  it("lets a half-open breaker probe and close again", async () => {
    const resilience = createStepPolicy({
      ...fast,
      maxAttempts: 1,
      breakerThreshold: 1,
      halfOpenAfterMs: 30,
    });
    const failing = createNullProvider({ failureRate: 1 });
    await runPlan(plan.steps, { provider: failing, spec, artifacts, revision: 1, resilience });
    expect(resilience.breakerState("null")).toBe("open");
    await new Promise((r) => setTimeout(r, 50));
    const healthy = createNullProvider();
    const result = await runPlan(plan.steps, { provider: healthy, spec, artifacts, revision: 1, resilience });
    expect(result.outcome).toBe("succeeded");
    expect(resilience.breakerState("null")).toBe("closed");
  });

  it("records in-flight steps as cancelled and starts nothing after an abort", async () => {
    const controller = new AbortController();
    const provider = createNullProvider({ delayMs: 50 });
    const { events, onEvent } = record();
    setTimeout(() => controller.abort(), 10);
    const result = await runPlan(plan.steps, {
      provider,
      spec,
      artifacts,
      revision: 1,
      onEvent,
      signal: controller.signal,
    });
    expect(result.outcome).toBe("cancelled");
    expect(result.steps.get("network")?.status).toBe("cancelled");
    expect([...result.steps.values()].every((s) => s.status === "cancelled")).toBe(true);
    expect(
      events.filter((e) => e.type === "step-started").map((e) => (e.type === "step-started" ? e.stepId : "")),
    ).toEqual(["network"]);
    expect(events.filter((e) => e.type === "run-finished")).toHaveLength(1);
  });

  it("does not call the provider for unchanged steps", async () => {
    const provider = createNullProvider();
    const result = await runPlan(buildPlan(spec, spec).steps, { provider, spec, artifacts, revision: 2 });
    expect(result.outcome).toBe("succeeded");
    expect(provider.applied.size).toBe(0);
    expect([...result.steps.values()].every((s) => s.status === "unchanged")).toBe(true);
  });
});
