/**
 * What every route shares: the store (publishing committed events to the
 * runs), the running deployments, auth, metrics, policy and the provider
 * resolver; plus the Hono environment with the authenticated principal.
 */

import type { Context } from "hono";
import type { DeployOptions } from "../engine/deploy.js";
import type { Provider } from "../engine/provider.js";
import type { GitopsTarget } from "../gitops/index.js";
import type { Interpreter } from "../intent/interpreter.js";
import type { PolicyRule, Severity } from "../policy/index.js";
import type { RegoSettings } from "../policy/rego.js";
import type { RenderOptions } from "../render/types.js";
import type { DriftSettings } from "../service/drift.js";
import type { LocalExpertsDeps } from "../service/experts.js";
import type { LocalVideoDeps } from "../service/video.js";
import type { DeploymentSpec } from "../spec/schema.js";
import type { SecretAccess } from "../spec/secret-scope.js";
import type { JobStore } from "../state/jobs.js";
import type { StateStore } from "../state/types.js";
import type { Authenticator } from "./auth/authenticate.js";
import type { Principal } from "./auth/rbac.js";
import type { EventHub } from "./event-hub.js";
import type { ServerLogger } from "./logger.js";
import type { ServerMetrics } from "./metrics.js";
import type { Planner } from "./planner/types.js";
import type { Runs } from "./runs.js";

/** What an audited call records besides actor and outcome; set by the handler. */
export interface AuditNote {
  readonly target?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AppEnv {
  Variables: {
    principal: Principal;
    requestId: string;
    audit: AuditNote;
  };
}

export type AppContext = Context<AppEnv>;

/** The provider a deployment runs with: the spec's target, or `requested` when the server allows it. */
export type ProviderResolver = (spec: DeploymentSpec, requested?: string) => Provider;

export interface PolicySettings {
  readonly rules?: readonly PolicyRule[];
  /** Resolved paths of the custom rule modules among `rules`, so that plan workers can load them too. */
  readonly ruleModules?: readonly string[];
  readonly disabledRules?: readonly string[];
  readonly severityOverrides?: Readonly<Record<string, Severity>>;
  /** Rego policies evaluated by OPA after the built-in review. */
  readonly rego?: RegoSettings;
}

export interface ServerDeps {
  readonly store: StateStore;
  readonly runs: Runs;
  readonly auth: Authenticator;
  readonly metrics: ServerMetrics;
  readonly logger: ServerLogger;
  readonly policy: PolicySettings;
  readonly renderOptions: RenderOptions;
  readonly providers: ProviderResolver;
  /**
   * Where `secret:NAME` references are read (CODEPLOY_SECRET_<NAME>: the
   * server's environment) and who may use them: undeclared names are refused.
   */
  readonly secrets: SecretAccess;
  /** Words -> spec for /v1/interpret, /v1/plan and /v1/deployments: the rules, or the configured model. */
  readonly interpreter: Interpreter;
  readonly deployOptions: Pick<DeployOptions, "parallelism" | "stepTimeoutMs" | "leaseMs">;
  /** Plans and renders off the event loop. */
  readonly planner: Planner;
  /** Request limits from server config. */
  readonly limits: { readonly maxComponents: number };
  /** Aborted when the server starts shutting down: event streams end. */
  readonly closing: AbortSignal;
  /** How often an event stream polls the store for a deployment that runs in another process, without a hub. @default 500 */
  readonly pollMs: number;
  /** Follows deployments running in other processes through commit notices (Postgres); absent: polling. */
  readonly hub?: EventHub;
  /** The Circle of Experts as configured (absent: its routes are not served). */
  readonly experts?: LocalExpertsDeps;
  /** Video processing as configured; server.video decides whether requests may use it. */
  readonly video?: LocalVideoDeps;
  /** codeploy.yaml `drift:` ignore rules for drift checks. */
  readonly drift?: DriftSettings;
  /** gitops.repo: each succeeded apply and rollback is committed there. */
  readonly gitops?: GitopsTarget;
  /** Role `api`: applies are queued here for workers instead of run in this process. */
  readonly queue?: JobStore;
}

/** Records what an audited call is about, before anything can refuse it. */
export function noteAudit(c: AppContext, target: string, details?: Record<string, unknown>): void {
  c.set("audit", { target, ...(details ? { details } : {}) });
}
