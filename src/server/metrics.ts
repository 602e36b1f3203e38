/**
 * /metrics in the Prometheus text format, from one registry per server (not
 * prom-client's global one, so several apps in one process stay apart).
 * Routes are labelled by their pattern (`/v1/deployments/:id`), never by the
 * raw path, to keep the number of series bounded.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { EngineEvent } from "../engine/events.js";

export interface LlmUsage {
  readonly provider: string;
  readonly model: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
}

export interface ServerMetrics {
  readonly registry: Registry;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** Steps by outcome, from the engine's events. */
  observeEngineEvent(event: EngineEvent): void;
  deploymentFinished(action: string, outcome: string): void;
  /** Deployments accepted by this process that have not finished yet. */
  setQueueDepth(depth: number): void;
  /** For the LLM interpreter: tokens and cost of each call. */
  observeLlmUsage(usage: LlmUsage): void;
  /** Objects that drifted from the last applied revision; undefined drops the series (not deployed any more). */
  setDriftResources(app: string, env: string, resources: number | undefined): void;
  /** What the last drift check of this process found (the gauge's value); undefined: not checked. */
  driftResources(app: string, env: string): number | undefined;
  render(): Promise<string>;
  readonly contentType: string;
}

const STEP_OUTCOMES: Readonly<Partial<Record<EngineEvent["type"], string>>> = {
  "step-succeeded": "succeeded",
  "step-failed": "failed",
  "step-skipped": "skipped",
  "step-cancelled": "cancelled",
  "step-retrying": "retried",
  "step-rolled-back": "rolled-back",
};

function defineMetrics(registry: Registry) {
  const requests = new Counter({
    name: "codeploy_http_requests_total",
    help: "HTTP requests by method, route pattern and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: "codeploy_http_request_duration_seconds",
    help: "HTTP request latency by method, route pattern and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const deployments = new Counter({
    name: "codeploy_deployments_total",
    help: "Deployments run by this server, by action and outcome",
    labelNames: ["action", "outcome"] as const,
    registers: [registry],
  });
  const steps = new Counter({
    name: "codeploy_steps_total",
    help: "Plan steps by outcome (retried counts each retry)",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const queue = new Gauge({
    name: "codeploy_deployment_queue_depth",
    help: "Deployments accepted by this process that have not finished",
    registers: [registry],
  });
  const tokens = new Counter({
    name: "codeploy_llm_tokens_total",
    help: "LLM tokens by provider, model and kind (input, output)",
    labelNames: ["provider", "model", "kind"] as const,
    registers: [registry],
  });
  const cost = new Counter({
    name: "codeploy_llm_cost_usd_total",
    help: "LLM cost in US dollars by provider and model",
    labelNames: ["provider", "model"] as const,
    registers: [registry],
  });
  const drift = new Gauge({
    name: "codeploy_drift_resources",
    help: "Objects whose live state differs from the last applied revision, at the last drift check",
    labelNames: ["app", "env"] as const,
    registers: [registry],
  });
  return { requests, latency, deployments, steps, queue, tokens, cost, drift };
}

/**
 * prom-client's default metrics also serve three gauges named `..._total`,
 * which Prometheus reserves for counters (`promtool check metrics` refuses
 * them). The same counts are served by type as `codeploy_nodejs_active_*`.
 */
function dropTotalGauges(registry: Registry): void {
  for (const what of ["handles", "requests", "resources"]) {
    registry.removeSingleMetric(`codeploy_nodejs_active_${what}_total`);
  }
}

export function createServerMetrics(options: { defaultMetrics?: boolean } = {}): ServerMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) {
    collectDefaultMetrics({ register: registry, prefix: "codeploy_" });
    dropTotalGauges(registry);
  }
  const { requests, latency, deployments, steps, queue, tokens, cost, drift } = defineMetrics(registry);
  queue.set(0);
  // The gauge's values, readable without rendering the registry (the dashboard's drift column).
  const lastDrift = new Map<string, number>();
  const driftKey = (app: string, env: string) => JSON.stringify([app, env]);
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      latency.observe(labels, seconds);
    },
    observeEngineEvent(event) {
      const outcome = STEP_OUTCOMES[event.type];
      if (outcome !== undefined) steps.inc({ outcome });
    },
    deploymentFinished: (action, outcome) => deployments.inc({ action, outcome }),
    setQueueDepth: (depth) => queue.set(depth),
    observeLlmUsage(usage) {
      const where = { provider: usage.provider, model: usage.model };
      tokens.inc({ ...where, kind: "input" }, usage.inputTokens);
      tokens.inc({ ...where, kind: "output" }, usage.outputTokens);
      cost.inc(where, usage.costUsd);
    },
    setDriftResources(app, env, resources) {
      if (resources === undefined) {
        drift.remove({ app, env });
        lastDrift.delete(driftKey(app, env));
      } else {
        drift.set({ app, env }, resources);
        lastDrift.set(driftKey(app, env), resources);
      }
    },
    driftResources: (app, env) => lastDrift.get(driftKey(app, env)),
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
