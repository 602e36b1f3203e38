/**
 * The one interface for everything a person or a program does with CODE.
 * Two implementations: `local.ts` (engine, store, provider registry,
 * configuration: every gate lives there) and `http.ts` (the API client of a
 * `codeploy serve`, whose routes call the local one). The CLI takes either;
 * the server and, next, the MCP server and the dashboard call the local one.
 * The model is Pulumi's automation API: one Workspace, local and remote.
 */
import type { EngineEvent } from "../engine/events.js";
import type { LogLine } from "../engine/provider.js";
import type { PublishedFile } from "../gitops/index.js";
import type { InterpretResult, InterpretUsage } from "../intent/index.js";
import type { PlanJson } from "../review/index.js";
import type { DeploymentSpec } from "../spec/schema.js";
import type { Target } from "../spec/targets.js";
import type { ApiKey, ApiKeyRole } from "../state/keys.js";
import type {
  AuditRecord,
  Deployment,
  DriftEventPage,
  EnvironmentState,
  EnvironmentStatus,
  LockInfo,
  Revision,
} from "../state/types.js";
import type { DriftAnswer, DriftRequest } from "./drift.js";
import type { ExpertsService } from "./experts.js";
import type { VideoAnswer, VideoHooks, VideoRequest } from "./video.js";

/** What a caller may do; the server maps roles to these, the CLI may do everything. */
export type Permission =
  | "read"
  | "interpret"
  | "plan"
  | "deploy"
  | "rollback"
  | "destroy"
  | "unlock"
  | "keys"
  | "audit"
  /** Take over objects another owner labelled (`--adopt`). */
  | "adopt";

/**
 * Who is asking. The local service asks `authorize` once it knows the
 * environment a request touches (words name it only after interpretation),
 * and filters lists with `sees`. On the CLI both allow everything.
 */
export interface Caller {
  readonly actor: string;
  /** Throws a FORBIDDEN error when the caller may not. */
  readonly authorize: (permission: Permission, environment?: string) => void;
  readonly sees: (environment: string) => boolean;
  /** Told which app + environment a request is about once known (the server's audit record). */
  readonly note?: (target: EnvironmentRequest) => void;
}

/** What to deploy: words (interpreted where the service runs) or a spec document (validated there). */
export type SpecInput =
  | { readonly text: string; readonly base?: unknown }
  | {
      readonly spec: unknown;
      readonly source?: string;
      /** Where the document came from, recorded as the revision's request (sync: `sync <repo>@<commit>:<path>`). */
      readonly origin?: string;
      /** The Git commit the document was read from (sync, serve's repository watch), kept with the revision. */
      readonly commit?: string;
    };

export interface InterpretRequest {
  readonly text: string;
  /** A spec (document) the words amend. */
  readonly base?: unknown;
}

export type InterpretAnswer = InterpretResult;

export interface PlanRequest {
  readonly input: SpecInput;
  /** Retargets the spec (`--target`). */
  readonly target?: Target;
  /**
   * Deploy with this provider: the plan shows its kind of artifacts (`--provider`). A name
   * the registry or the server does not allow is refused when the provider is created.
   */
  readonly provider?: string;
  /**
   * The plan is for an apply: words that ask for another action, or leave
   * questions open without `acceptAssumptions`, are refused (INTENT_REFUSED).
   */
  readonly gate?: boolean;
  readonly acceptAssumptions?: boolean;
}

/** The words behind a plan: what was asked and what the interpreter assumed. */
export interface WordsView {
  readonly request?: string;
  readonly interpreter?: string;
  readonly usage?: InterpretUsage;
  readonly assumptions?: string[];
  readonly questions?: string[];
}

/**
 * The reviewed plan against what runs now, with the spec it was made from and (from the local
 * service) its planId: what an apply given as `expectPlan` must still match (plan-id.ts).
 */
export type PlanAnswer = PlanJson & WordsView & { readonly spec: DeploymentSpec; readonly planId?: string };

/** The plan check of a change (plan-id.ts): refused unless the planId still names this change and what runs. */
export interface PlanExpectation {
  /** The planId of the reviewed plan; PLAN_MISMATCH or PLAN_STALE when it no longer matches. */
  readonly expectPlan?: string;
}

export interface ApplyRequest extends PlanRequest, PlanExpectation {
  readonly acceptRisk?: boolean;
  readonly acceptAssumptions?: boolean;
  readonly onFailure?: "rollback" | "stop";
  readonly adopt?: boolean;
  /** Wait for a held lock instead of failing with LOCK_HELD (local only). */
  readonly wait?: boolean;
  /**
   * The change goes to the deployment queue (an API server in role api): a held lock is not a
   * refusal, the job waits its turn; the worker that runs it takes the lock. Set by the server, never
   * by a request body.
   */
  readonly queued?: boolean;
  /** May lower the configured parallelism, never raise it. */
  readonly parallelism?: number;
  /** May lower the configured step deadline, never raise it. */
  readonly stepTimeoutSeconds?: number;
}

export interface EnvironmentRequest {
  readonly app: string;
  readonly environment: string;
}

export interface RollbackRequest extends EnvironmentRequest, PlanExpectation {
  /** @default the last succeeded revision that differs from what runs */
  readonly revision?: number;
  readonly wait?: boolean;
  readonly provider?: string;
  /**
   * Run every step of the revision even when it is the one running (drift self-heal:
   * providers converge what runs back to it). @default false
   */
  readonly reconcile?: boolean;
}

export interface DestroyRequest extends EnvironmentRequest, PlanExpectation {
  readonly wait?: boolean;
  readonly provider?: string;
  /** Remove data volumes too (docker). */
  readonly purgeData?: boolean;
}

/** A step as a change shows it before it runs. */
export interface StepView {
  readonly id: string;
  readonly kind: string;
  readonly action: "create" | "update" | "delete" | "noop";
  readonly dependsOn: readonly string[];
  readonly description: string;
}

export type DeploymentView = Omit<Deployment, "provider">;

export interface RunHooks {
  readonly signal?: AbortSignal;
  /**
   * The id the deployment gets (a server answers a queued request with it before it starts).
   * Never taken from a request: chosen by the process that runs it.
   */
  readonly deploymentId?: string;
  /** The deployment is recorded (lock taken, revision written); its steps are about to run. */
  readonly onStart?: (deployment: DeploymentView, steps: readonly StepView[]) => void;
  readonly onEvent?: (event: EngineEvent) => void;
  /** A note after the run (gitops: the commit, or why writing to Git failed); the run's outcome stands. */
  readonly onNote?: (note: string) => void;
  /** Waiting for another change's lock (`wait`). */
  readonly onWait?: (lock: LockInfo, key: EnvironmentRequest) => void;
}

/**
 * A change that passed every gate the service can check before running it:
 * the caller shows it, asks for confirmation, then calls `run` (once).
 */
export interface Change {
  readonly action: "apply" | "rollback" | "destroy";
  readonly app: string;
  readonly environment: string;
  /** apply: the reviewed plan. */
  readonly plan?: PlanAnswer;
  /** The steps that will run, when known before running (apply, destroy). */
  readonly steps: readonly StepView[];
  /** False when what runs already matches: `run` would do nothing. */
  readonly changes: boolean;
  /** apply: the revision and deployment that run now, for an apply that changes nothing. */
  readonly current?: { readonly revision: number | null; readonly deployment: string | null };
  /** From the local service: the planId of this change against what runs now (the plan check). */
  readonly planId?: string;
  /** Says what to confirm; production and destroy ask to type the app's name. */
  readonly confirm: { readonly what: string; readonly typeToConfirm?: string };
  /** Runs the change; resolves with the finished deployment. Refusals (policy, secrets) throw. */
  run(hooks?: RunHooks): Promise<DeploymentView>;
  /**
   * From the local service, apply: the same request with words replaced by the spec they resolved
   * to, for running it in another process (the deployment queue re-runs every gate with it there).
   */
  readonly replay?: ApplyRequest;
}

export interface StatusRequest {
  readonly app?: string;
  readonly environment?: string;
  /** Also ask the provider what runs (endpoints, workloads, drift). @default false */
  readonly live?: boolean;
  /**
   * Only the store's rows: no outputs and no endpoints (one read for thousands of
   * environments, for lists that show a page of them). Ignored with `live`. @default false
   */
  readonly brief?: boolean;
}

export interface ObservedWorkload {
  readonly kind: string;
  readonly name: string;
  readonly status: "running" | "stopped" | "degraded" | "missing";
  readonly ready?: number;
  readonly desired?: number;
}

export type EnvironmentView = Omit<EnvironmentStatus, "lastDeployment"> & {
  readonly lastDeployment: DeploymentView | undefined;
  /** URLs among the outputs of the deployment that runs now (and, live, what the provider reports). */
  readonly endpoints: string[];
  /** Step id -> the outputs it recorded, of the deployment that runs now. */
  readonly outputs: Record<string, Record<string, string>>;
  /** Per service, live: the URLs the provider reports. */
  readonly serviceEndpoints?: Record<string, string[]>;
  readonly workloads?: ObservedWorkload[];
  /** Live: where what runs differs from the spec. */
  readonly problems?: string[];
  /** Live: the provider could not be asked. */
  readonly observeError?: string;
};

export interface StatusAnswer {
  readonly environments: EnvironmentView[];
}

/** One page of the environments the caller may see (brief rows), filtered and ordered by the store. */
export interface StatusPageRequest {
  /** A part of the app's name, case-insensitive. */
  readonly search?: string;
  readonly environment?: string;
  /** The last deployment's state, `queued` (none yet, one waits in the deployment queue) or `never` deployed. */
  readonly state?: EnvironmentState;
  /** `name`: by app then environment; `recent`: last deployment first. @default "name" */
  readonly sort?: "name" | "recent";
  /** @default 0 */
  readonly offset?: number;
  /** @default 25; at most MAX_STATUS_PAGE */
  readonly limit?: number;
}

export interface StatusPageAnswer extends StatusAnswer {
  /** Rows matching the filters, over every page. */
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  /** Every environment name the caller may see (for a filter). */
  readonly environmentNames: string[];
}

/** The files a spec renders (plan permission), or a stored revision (read; default: what runs). */
export type ArtifactsRequest =
  | (EnvironmentRequest & { readonly revision?: number })
  | { readonly spec: unknown };

export interface ArtifactsAnswer {
  readonly app: string;
  readonly environment: string;
  /** The revision rendered; absent for a spec, or when nothing runs (then no files). */
  readonly revision?: number;
  readonly target?: string;
  /** Sorted by path; sensitive files and files holding a secret value are withheld (gitops' rule). */
  readonly files: PublishedFile[];
}

export interface HistoryRequest {
  readonly app: string;
  readonly environment?: string;
  /** @default 50 */
  readonly limit?: number;
  /** Also return each revision's spec, as the store keeps it (secret values redacted). @default false */
  readonly specs?: boolean;
}

export type RevisionView = Omit<Revision, "spec" | "artifactHashes" | "app" | "environment"> & {
  readonly app?: string;
  readonly environment?: string;
  /** With `specs: true` (local service). */
  readonly spec?: unknown;
};

export interface HistoryAnswer {
  /** Newest first, across the environments asked. */
  readonly deployments: DeploymentView[];
  readonly revisions: RevisionView[];
  /** With the queue (Postgres, role api): deployments waiting for a worker, in line order. */
  readonly queued?: QueuedView[];
}

/** A deployment submitted to the queue that no worker has started yet. */
export interface QueuedView extends EnvironmentRequest {
  readonly id: string;
  readonly action: "apply" | "rollback" | "destroy";
  readonly actor: string;
  /** `claimed`: a worker took it and is starting it. */
  readonly state: "queued" | "claimed";
  readonly attempt: number;
  readonly submittedAt: string;
  /** The interrupted attempt this one retries. */
  readonly retryOf?: string;
}

export interface UnlockRequest extends EnvironmentRequest {
  readonly force?: boolean;
}

export interface UnlockAnswer {
  readonly freed: boolean;
  readonly lock?: LockInfo;
}

export interface AuditVerification {
  readonly ok: boolean;
  readonly count: number;
  readonly legacy?: number | undefined;
  readonly anchored?: boolean | undefined;
  readonly brokenAt?: number | undefined;
  readonly reason?: string | undefined;
}

export interface AuditHead {
  readonly seq: number;
  readonly mac: string;
  /** `seq:mac`, what `audit verify --head` takes. */
  readonly head: string;
}

export type AuditLine = Pick<AuditRecord, "at" | "seq" | "actor" | "command" | "outcome"> & {
  readonly target?: string | undefined;
  /** Context the record keeps (a rollback's reason...), secret-looking values redacted. */
  readonly details?: unknown;
};

export interface AuditService {
  verify(options?: { head?: string }): Promise<AuditVerification>;
  /** Undefined when the log is empty. */
  head(): Promise<AuditHead | undefined>;
  list(options?: { limit?: number }): Promise<AuditLine[]>;
}

/** A key as both the store and the API describe it. */
export type KeyView = Omit<ApiKey, "expiresAt" | "revokedAt"> & {
  readonly expiresAt?: string | undefined;
  readonly revokedAt?: string | undefined;
};

export interface KeyRequest {
  readonly name: string;
  readonly role: ApiKeyRole;
  readonly environments: string[];
  readonly expiresInDays?: number;
}

export interface KeyService {
  create(request: KeyRequest): Promise<{ readonly apiKey: KeyView; readonly token: string }>;
  list(): Promise<KeyView[]>;
  revoke(id: string): Promise<KeyView>;
  /** `at`: default now. */
  expire(id: string, at?: Date): Promise<KeyView>;
}

export interface LogsRequest extends EnvironmentRequest {
  readonly service?: string;
  readonly follow?: boolean;
  readonly tail?: number;
  readonly timestamps?: boolean;
}

export interface DriftEventsRequest extends EnvironmentRequest {
  /** @default 50; at most 500 */
  readonly limit?: number;
  readonly before?: number;
}

export interface CodeService {
  /** "this machine", or the server's URL: for messages such as "apply shop to staging on URL". */
  readonly where: string;
  interpret(request: InterpretRequest): Promise<InterpretAnswer>;
  plan(request: PlanRequest): Promise<PlanAnswer>;
  apply(request: ApplyRequest, hooks?: Pick<RunHooks, "signal" | "onWait">): Promise<Change>;
  rollback(request: RollbackRequest): Promise<Change>;
  destroy(request: DestroyRequest): Promise<Change>;
  status(request?: StatusRequest): Promise<StatusAnswer>;
  /** A page of brief status rows; search, filters, order, page and count are answered by the store's SQL. */
  statusPage(request?: StatusPageRequest): Promise<StatusPageAnswer>;
  history(request: HistoryRequest): Promise<HistoryAnswer>;
  /** Rendered artifacts, redacted for showing (service/artifacts.ts): the dashboard's artifact diffs. */
  artifacts(request: ArtifactsRequest): Promise<ArtifactsAnswer>;
  unlock(request: UnlockRequest): Promise<UnlockAnswer>;
  /**
   * Streams the logs of what runs, from the provider that deployed it (a capability: docker
   * has it); resolves with the number of sources (containers) read.
   */
  logs(request: LogsRequest, onLine: (line: LogLine) => void, signal: AbortSignal): Promise<number>;
  /** What runs compared with the last applied revision, field by field; read-only (service/drift.ts). */
  drift(request: DriftRequest): Promise<DriftAnswer>;
  /** Checks that found drift and their self-heals, newest first; `before`: the previous page's `next`. */
  driftEvents(request: DriftEventsRequest): Promise<DriftEventPage>;
  readonly audit: AuditService;
  readonly keys: KeyService;
  /** The Circle of Experts: members, consultations (recorded), history. */
  readonly experts: ExpertsService;
  /** A tutorial video -> a document with chapters, steps and commands. */
  video(request: VideoRequest, hooks?: VideoHooks): Promise<VideoAnswer>;
}
