/**
 * The durable state of CODE: revisions (what was asked and rendered), deployments
 * (runs of apply / rollback / destroy), their step events, locks with a lease,
 * and a hash-chained audit log. One interface, two backends (SQLite, Postgres).
 */

import type { ConsultationStore } from "./consultations.js";
import type { DraftRowStore } from "./dashboard-drafts.js";
import type { DriftEventStore } from "./drift-events.js";
import type { JobStore } from "./jobs.js";
import type { ApiKeyStore } from "./keys.js";
import type { SessionRowStore } from "./sessions.js";

export type {
  DriftEvent,
  DriftEventInput,
  DriftEventPage,
  DriftEventStore,
  DriftHeal,
  DriftRetention,
} from "./drift-events.js";

export type DeploymentAction = "apply" | "rollback" | "destroy";
export type DeploymentOutcome = "succeeded" | "failed" | "cancelled" | "rolled-back";
/**
 * `running`: no outcome yet and a live lock on its app + environment names it (or names no deployment).
 * `interrupted`: no outcome and no such lock (its holder died or its lease expired).
 */
export type DeploymentState = "running" | "interrupted" | DeploymentOutcome;
/** `started`: a run began (so a run killed mid-way leaves a trace); its end is recorded separately. */
export type AuditOutcome = "ok" | "refused" | "failed" | "started";

export interface EnvironmentKey {
  readonly app: string;
  readonly environment: string;
}

export interface InterpretUsageRecord {
  readonly model: string;
  readonly calls: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Absent when the model is unpriced. */
  readonly costUsd?: number;
}

export interface RevisionInput extends EnvironmentKey {
  /** The user's spec; env values with secret-looking names are stored as "[redacted]". */
  readonly spec: unknown;
  /** The request words that produced this spec (secret-looking `NAME=value` pairs are redacted). */
  readonly request?: string;
  /** `rules` or `llm:<provider>/<model>`. */
  readonly interpreter?: string;
  /** Tokens and cost of the model calls that produced the spec, when a model did. */
  readonly interpretUsage?: InterpretUsageRecord;
  /** Rendered artifact path -> sha256. */
  readonly artifactHashes?: Readonly<Record<string, string>>;
  readonly actor: string;
  /** The Git commit the spec was read from (`codeploy sync`, `serve`'s repository watch). */
  readonly sourceCommit?: string;
}

export interface Revision extends EnvironmentKey {
  /** 1, 2, 3... per app + environment. */
  readonly number: number;
  readonly spec: unknown;
  readonly request: string | undefined;
  readonly interpreter: string | undefined;
  readonly interpretUsage: InterpretUsageRecord | undefined;
  readonly artifactHashes: Readonly<Record<string, string>>;
  readonly actor: string;
  /** ISO 8601, UTC. */
  readonly createdAt: string;
  /** The Git commit that holds this revision (gitops.repo), once pushed. */
  readonly commit?: string | undefined;
  /** The Git commit the spec was read from (sync, serve's repository watch). */
  readonly sourceCommit?: string | undefined;
}

export interface DeploymentInput extends EnvironmentKey {
  readonly revision: number;
  readonly action: DeploymentAction;
  readonly actor: string;
  /** @default a random UUID */
  readonly id?: string;
  /** The provider that runs it (`docker`, `kubernetes`, `terraform`, `null`). */
  readonly provider?: string;
}

export interface Deployment extends EnvironmentKey {
  readonly id: string;
  /** 1, 2, 3... per app + environment, in start order. */
  readonly number: number;
  readonly revision: number;
  readonly action: DeploymentAction;
  readonly actor: string;
  readonly startedAt: string;
  readonly finishedAt: string | undefined;
  readonly outcome: DeploymentOutcome | undefined;
  readonly error: string | undefined;
  readonly state: DeploymentState;
  /** Number of step events recorded so far (the last seq). */
  readonly eventCount: number;
  /** The provider that ran it; undefined for deployments recorded before providers were. */
  readonly provider: string | undefined;
}

export interface DeploymentFilter {
  readonly app?: string;
  readonly environment?: string;
  /** @default 50 */
  readonly limit?: number;
}

export interface StepEventInput {
  readonly deploymentId: string;
  /** For example `step.started`, `step.succeeded`, `step.failed`, `log`. */
  readonly type: string;
  readonly step?: string;
  readonly message?: string;
  readonly data?: unknown;
  /** @default the store's clock */
  readonly at?: Date;
}

export interface StepEvent {
  readonly deploymentId: string;
  /** 1, 2, 3... per deployment, in append order. */
  readonly seq: number;
  readonly type: string;
  readonly step: string | undefined;
  readonly message: string | undefined;
  readonly data: unknown;
  readonly at: string;
}

export interface EnvironmentStatus extends EnvironmentKey {
  /** Revision of the last succeeded apply or rollback; undefined when never deployed or destroyed since. */
  readonly currentRevision: number | undefined;
  readonly latestRevision: number | undefined;
  readonly lastDeployment: Deployment | undefined;
  readonly lock: LockInfo | undefined;
  /** Changes of it waiting in the deployment queue (Postgres, role api) for a worker; absent when none. */
  readonly queued?: number;
}

/**
 * What the list calls an environment's state: its last deployment's; `queued` when none was recorded
 * yet but one waits in the deployment queue; else `never` deployed.
 */
export type EnvironmentState =
  | "succeeded"
  | "failed"
  | "rolled-back"
  | "running"
  | "cancelled"
  | "interrupted"
  | "destroyed"
  | "queued"
  | "never";

/** One page of environments, filtered, ordered and counted by the database (status-page.ts). */
export interface StatusPageQuery {
  /** Only environments this says yes to (the caller's RBAC); asked once per environment name. */
  readonly visible?: (environment: string) => boolean;
  readonly environment?: string;
  /** A part of the app's name, case-insensitive. */
  readonly search?: string;
  readonly state?: EnvironmentState;
  /** `name`: by app then environment; `recent`: last deployment first. @default "name" */
  readonly sort?: "name" | "recent";
  /** @default 0 */
  readonly offset?: number;
  /** At most 500. */
  readonly limit: number;
}

export interface StatusPage {
  readonly rows: EnvironmentStatus[];
  /** Rows matching the filters, over every page. */
  readonly total: number;
  /** Every environment name the query's `visible` allows, sorted (for a filter). */
  readonly environments: string[];
}

export interface LockHolder {
  readonly actor: string;
  /** @default process.pid */
  readonly pid?: number;
  /** @default os.hostname() */
  readonly host?: string;
  readonly deploymentId?: string;
}

export interface LockInfo extends EnvironmentKey {
  readonly actor: string;
  readonly pid: number | undefined;
  readonly host: string | undefined;
  readonly deploymentId: string | undefined;
  readonly acquiredAt: string;
  readonly expiresAt: string;
  /** Lease ran out, or the holder is a process on this host that no longer exists. */
  readonly expired: boolean;
}

/** A held lock: the token proves ownership to renewLock / releaseLock. */
export interface Lock extends LockInfo {
  readonly token: string;
  readonly leaseMs: number;
}

export interface AcquireOptions {
  /** @default the store's leaseMs (60 s) */
  readonly leaseMs?: number;
  /** Wait for the holder to release (or its lease to expire) instead of failing fast. @default false */
  readonly wait?: boolean;
  /** Give up waiting after this long (wall time) with LockedError. @default no limit */
  readonly waitTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface AuditInput {
  readonly actor: string;
  readonly command: string;
  readonly target?: string;
  readonly outcome: AuditOutcome;
  /** Free-form context; string values under secret-looking keys are redacted. */
  readonly details?: unknown;
}

export interface AuditRecord {
  /** 1, 2, 3...: position in the chain. */
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly command: string;
  readonly target: string | undefined;
  readonly outcome: AuditOutcome;
  readonly details: unknown;
  readonly prevHash: string;
  readonly hash: string;
}

export interface AuditListOptions {
  readonly afterSeq?: number;
  /** @default 100 */
  readonly limit?: number;
  /** @default false (oldest first) */
  readonly newestFirst?: boolean;
}

/** What verification also says when the chain is intact or not. */
export interface AuditVerificationFacts {
  readonly count: number;
  /** Unkeyed records from before the audit key (the start of the chain). */
  readonly legacy?: number;
  /** The last record: what `codeploy audit head` prints. */
  readonly head?: { readonly seq: number; readonly mac: string };
  /** Whether the anchor kept outside the database was found and checked. */
  readonly anchored?: boolean;
}

export type AuditVerification =
  | (AuditVerificationFacts & { readonly ok: true })
  | (AuditVerificationFacts & { readonly ok: false; readonly brokenAt: number; readonly reason: string });

export interface AuditVerifyOptions {
  /** A head stored elsewhere (`codeploy audit head`): that record must be in the chain, unchanged. */
  readonly head?: { readonly seq: number; readonly mac: string };
}

export interface StateStore {
  /** "sqlite" or "postgres". */
  readonly dialect: StoreDialect;
  /** Applies pending migrations; safe to call again and from several processes at once. */
  migrate(): Promise<void>;

  createRevision(input: RevisionInput): Promise<Revision>;
  getRevision(key: EnvironmentKey, number: number): Promise<Revision | undefined>;
  listRevisions(key: EnvironmentKey): Promise<Revision[]>;
  /** Records the Git commit that holds a revision; false when there is no such revision. */
  setRevisionCommit(key: EnvironmentKey, number: number, commit: string): Promise<boolean>;

  startDeployment(input: DeploymentInput): Promise<Deployment>;
  finishDeployment(id: string, outcome: DeploymentOutcome, error?: string): Promise<Deployment>;
  getDeployment(id: string): Promise<Deployment | undefined>;
  /** Newest first. */
  listDeployments(filter?: DeploymentFilter): Promise<Deployment[]>;

  /** Durable when the promise resolves (committed). */
  appendEvent(event: StepEventInput): Promise<StepEvent>;
  /** One transaction for the whole batch; events keep their order. */
  appendEvents(events: readonly StepEventInput[]): Promise<StepEvent[]>;
  listEvents(deploymentId: string, afterSeq?: number): Promise<StepEvent[]>;

  status(filter?: Partial<EnvironmentKey>): Promise<EnvironmentStatus[]>;
  /** A page of `status`, filtered, ordered and counted in SQL (for lists of thousands). */
  statusPage(query: StatusPageQuery): Promise<StatusPage>;

  /** Throws LockedError ("locked by <actor> since <time>") when held and not waiting. */
  acquireLock(key: EnvironmentKey, holder: LockHolder, options?: AcquireOptions): Promise<Lock>;
  /** Extends the lease; throws LockLostError when the lock was taken over or unlocked. */
  renewLock(lock: Lock): Promise<Lock>;
  /** False when the lock was no longer ours. */
  releaseLock(lock: Lock): Promise<boolean>;
  /**
   * `codeploy unlock`: frees the lock when its holder is gone (a dead pid on
   * this host, or an expired lease); throws LockHeldError while it runs, unless
   * `force`. `freed` is false when there was no lock.
   */
  unlock(key: EnvironmentKey, options?: { force?: boolean }): Promise<{ freed: boolean; lock?: LockInfo }>;
  getLock(key: EnvironmentKey): Promise<LockInfo | undefined>;

  appendAudit(input: AuditInput): Promise<AuditRecord>;
  listAudit(options?: AuditListOptions): Promise<AuditRecord[]>;
  verifyAudit(options?: AuditVerifyOptions): Promise<AuditVerification>;
  /** The last record's seq and MAC (hash), or undefined for an empty log. */
  auditHead(): Promise<{ seq: number; mac: string } | undefined>;

  /** API keys of the server (hashes only). */
  readonly apiKeys: ApiKeyStore;

  /** Circle of Experts consultations and the LLM response cache. */
  readonly consultations: ConsultationStore;

  /** Checks that found drift, and their self-heals (bounded per app + environment). */
  readonly driftEvents: DriftEventStore;

  /** Dashboard sessions shared by every server on this database (sealed credentials only). */
  readonly sessions: SessionRowStore;

  /** The dashboard's reviewed new-deployment drafts (sealed), bound to their session, one-time use. */
  readonly drafts: DraftRowStore;

  /** The deployment queue of API servers and workers (state/jobs.ts); Postgres only, undefined on SQLite. */
  readonly jobs?: JobStore;

  close(): Promise<void>;
}

export type StoreDialect = "sqlite" | "postgres";
