/**
 * Shared by the provider's tests: specs, a fake API server per test, and a
 * run of a whole plan through the real engine (parallel DAG walk, retries).
 */
import type { EngineEvent } from "../../../engine/events.js";
import type { StepContext } from "../../../engine/provider.js";
import { type RunResult, runPlan } from "../../../engine/run.js";
import { buildDestroyPlan, buildPlan, type PlanStep } from "../../../plan/build.js";
import { renderKubernetes } from "../../../render/kubernetes/index.js";
import type { RenderResult } from "../../../render/types.js";
import { namespaceName } from "../../../spec/naming.js";
import type { DeploymentSpec } from "../../../spec/schema.js";
import { validateSpec } from "../../../spec/validate.js";
import { createKubernetesProvider, type KubernetesProviderOptions } from "../index.js";

export const SEED = "kubernetes-provider-test-seed";

export const v1: DeploymentSpec = validateSpec({
  name: "shop",
  environment: "dev",
  target: "kubernetes",
  services: [
    {
      name: "web",
      image: "acme/web:1",
      port: 8080,
      replicas: 2,
      domain: "shop.example.com",
      autoscale: { min: 2, max: 5 },
      dependsOn: ["postgres", "media"],
    },
    { name: "worker", kind: "worker", image: "acme/worker:1", dependsOn: ["postgres"] },
  ],
  databases: [{ name: "postgres", engine: "postgres", version: "16" }],
  buckets: [{ name: "media" }],
});

/** The same app with a new web image. */
export const v2: DeploymentSpec = validateSpec({
  ...v1,
  services: v1.services.map((s) => (s.name === "web" ? { ...s, image: "acme/web:2" } : s)),
});

export const NS = namespaceName({ app: "shop", environment: "dev" });

export function render(spec: DeploymentSpec): RenderResult {
  return renderKubernetes(spec, { secretSeed: SEED });
}

/** The fake rolls out in ~40 ms; the deadlines are generous so that a loaded machine does not fail a healthy rollout. */
export function providerFor(kubeconfigPath: string, options: KubernetesProviderOptions = {}) {
  return createKubernetesProvider({
    kubeconfigPath,
    context: "fake",
    pollIntervalMs: 10,
    rolloutTimeoutMs: 20_000,
    requestTimeoutMs: 20_000,
    ...options,
  });
}

export const FAST_RETRY = { initialDelayMs: 5, maxDelayMs: 20, maxAttempts: 3 };

export interface Run {
  readonly result: RunResult;
  readonly events: EngineEvent[];
}

/** Runs the plan from `previous` to `spec` (or a destroy of `spec`) through the engine. */
export async function runThroughEngine(
  provider: ReturnType<typeof createKubernetesProvider>,
  spec: DeploymentSpec,
  previous?: DeploymentSpec,
  mode: "apply" | "destroy" = "apply",
): Promise<Run> {
  const plan = mode === "destroy" ? buildDestroyPlan(spec) : buildPlan(spec, previous);
  const events: EngineEvent[] = [];
  const result = await runPlan(plan.steps, {
    provider,
    spec,
    ...(mode === "destroy" ? { previous: spec } : previous ? { previous } : {}),
    artifacts: render(spec),
    revision: 1,
    retry: FAST_RETRY,
    stepTimeoutMs: 60_000,
    onEvent: (e) => events.push(e),
  });
  return { result, events };
}

export function stepOf(spec: DeploymentSpec, id: string, previous?: DeploymentSpec): PlanStep {
  const step = buildPlan(spec, previous).steps.find((s) => s.id === id);
  if (!step) throw new Error(`no step ${id}`);
  return step;
}

export function contextFor(
  spec: DeploymentSpec,
  logs: string[] = [],
  signal = AbortSignal.timeout(20_000),
): StepContext {
  return {
    app: spec.name,
    environment: spec.environment,
    revision: 1,
    spec,
    artifacts: render(spec),
    signal,
    log: (m) => logs.push(m),
  };
}

export function failureOf(run: Run): string {
  return run.result.failure ? `${run.result.failure.stepId}: ${run.result.failure.error.message}` : "";
}
