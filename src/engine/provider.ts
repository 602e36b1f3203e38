/**
 * The interface every provider implements (docker, kubernetes, terraform,
 * null). The engine drives it and never imports a concrete provider; the
 * registry in providers/index.ts is wired once, in cli/ and server/.
 * Every method must be idempotent: applying a step twice converges.
 */
import { CodeError } from "../core/errors.js";
import type { PlanStep } from "../plan/build.js";

/** The step a provider carries out: the engine hands providers the plan's steps. */
export type { PlanStep };

import type { RenderResult } from "../render/types.js";
import type { DeploymentSpec } from "../spec/schema.js";
import type { DriftContext, DriftItem } from "./drift.js";

export type { DriftContext, DriftItem } from "./drift.js";

export interface StepContext {
  readonly app: string;
  readonly environment: string;
  readonly revision: number;
  /** The spec being deployed. */
  readonly spec: DeploymentSpec;
  /** What ran before this deployment, when anything did. */
  readonly previous?: DeploymentSpec;
  readonly artifacts: RenderResult;
  /** Aborted on cancellation or when the step's deadline passes. */
  readonly signal: AbortSignal;
  /** Progress lines for people (pull progress, rollout waits). */
  readonly log: (message: string) => void;
  /**
   * The person asked to adopt existing objects that carry another owner's
   * labels or none (`apply --adopt`). @default false: such objects are refused
   * with OWNERSHIP_CONFLICT.
   */
  readonly adopt?: boolean;
}

export interface StepResult {
  /** Facts worth keeping, such as endpoints (`http://127.0.0.1:8080`). */
  readonly outputs?: Readonly<Record<string, string>>;
  readonly message?: string;
}

export interface ObserveContext {
  readonly app: string;
  readonly environment: string;
  readonly spec?: DeploymentSpec;
  readonly signal: AbortSignal;
}

export interface ObservedResource {
  readonly kind: string;
  readonly name: string;
  readonly status: "running" | "stopped" | "degraded" | "missing";
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface Provider {
  readonly name: string;
  /** Checks that the tool or API answers, before any step runs. */
  preflight?(signal: AbortSignal): Promise<void>;
  /** What a step would change, in words, without changing anything. */
  plan?(step: PlanStep, ctx: StepContext): Promise<readonly string[]>;
  /** Creates or updates what the step names. */
  apply(step: PlanStep, ctx: StepContext): Promise<StepResult>;
  /** Removes what the step names; something already gone is a success. */
  destroy(step: PlanStep, ctx: StepContext): Promise<StepResult>;
  /** What runs now for the app and environment. */
  observe(ctx: ObserveContext): Promise<readonly ObservedResource[]>;
  /**
   * Optional capabilities, asked by `status` and `logs` through the registry;
   * no surface names a concrete provider.
   */
  /** Per service, the URLs where what was observed answers. */
  endpoints?(observed: readonly ObservedResource[]): Readonly<Record<string, readonly string[]>>;
  /** Where what was observed differs from the spec, in words. */
  drift?(spec: DeploymentSpec, observed: readonly ObservedResource[]): readonly string[];
  /**
   * Field by field, where what runs differs from the last applied revision
   * (`codeploy drift`). Read-only: it never changes anything.
   */
  detectDrift?(ctx: DriftContext): Promise<readonly DriftItem[]>;
  /** Streams the app's logs; resolves with the number of lines. */
  logs?(ctx: LogsContext): Promise<number>;
}

export interface LogLine {
  /** The replica or component it came from (`web-1`). */
  readonly source: string;
  readonly stream: "stdout" | "stderr";
  readonly text: string;
}

export interface LogsContext {
  readonly app: string;
  readonly environment: string;
  readonly service?: string;
  readonly follow?: boolean;
  readonly tail?: number;
  readonly timestamps?: boolean;
  readonly signal: AbortSignal;
  readonly onLine: (line: LogLine) => void;
}

/** A provider call that failed; `retryable` says whether trying again may help. */
export class ProviderError extends CodeError {}

export { isRetryable } from "../core/errors.js";

/** Who an existing object says it belongs to; undefined fields: the label is missing. */
export interface FoundOwner {
  readonly app?: string | undefined;
  readonly environment?: string | undefined;
}

/**
 * An existing object that another app + environment owns, or that carries no
 * owner labels: CODE never adopts it silently (OWNERSHIP_CONFLICT, 409, exit 1).
 */
export class OwnershipConflictError extends ProviderError {
  readonly owner: FoundOwner | undefined;

  constructor(what: string, owner: FoundOwner | undefined, wanted: { app: string; environment: string }) {
    const found =
      owner?.app !== undefined || owner?.environment !== undefined
        ? `app ${JSON.stringify(owner?.app ?? "(none)")}, environment ${JSON.stringify(owner?.environment ?? "(none)")}`
        : "no owner labels";
    super(
      "OWNERSHIP_CONFLICT",
      `${what} exists and is not ${wanted.app}/${wanted.environment}'s: it carries ${found}`,
      {
        hint: 'remove or rename it, or pass --adopt (API: "adopt": true) to take it over on purpose',
        details: { object: what, owner: owner ?? null, wanted },
      },
    );
    this.owner = owner;
  }
}

/** Whether `owner` is exactly the step's app + environment. */
export function ownedBy(owner: FoundOwner | undefined, id: { app: string; environment: string }): boolean {
  return owner?.app === id.app && owner.environment === id.environment;
}
