/**
 * Planning and rendering for the server: CPU-bound work of up to hundreds of
 * milliseconds per spec, kept off the event loop (a pool of worker threads) so
 * that health checks, event streams and other requests keep being answered
 * while a large plan runs.
 */

import type { KubernetesRenderSettings, RenderResult } from "../../render/types.js";
import type { PlanJson } from "../../review/index.js";
import type { DeploymentSpec } from "../../spec/schema.js";

export interface Planner {
  /** The reviewed plan of `spec` against `current` (what runs now), as the API answers it. */
  review(spec: DeploymentSpec, current: DeploymentSpec | undefined): Promise<PlanJson>;
  /** The artifacts of `spec`, with the values of its `secret:NAME` references. */
  render(spec: DeploymentSpec, secrets: Readonly<Record<string, string>>): Promise<RenderResult>;
  close(): Promise<void>;
}

/** What a worker needs to plan like the server: plain data only (it crosses a thread boundary). */
export interface PlannerSettings {
  /** Resolved paths of the custom policy rule modules (codeploy.yaml policy.rules). */
  readonly ruleModules: readonly string[];
  readonly disabledRules?: readonly string[];
  readonly severityOverrides?: Readonly<Record<string, "error" | "warning" | "info">>;
  readonly secretSeed?: string;
  readonly kubernetes?: KubernetesRenderSettings;
}
