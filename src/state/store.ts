/**
 * openStateStore: the embedded SQLite file by default, a Postgres server when
 * given a postgres:// URL. Reading CODEPLOY_HOME and DATABASE_URL is the
 * caller's job (cli/, server/): this module takes them as options.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../core/errors.js";
import * as audit from "./audit.js";
import type { AuditKeyring } from "./audit-key.js";
import {
  type Backend,
  openPostgres,
  openSqlite,
  type PostgresOptions,
  type SqliteOptions,
} from "./backend.js";
import { createConsultationStore } from "./consultations.js";
import { processExists, type StoreContext } from "./context.js";
import { createDraftRowStore } from "./dashboard-drafts.js";
import * as deployments from "./deployments.js";
import { createDriftEventStore } from "./drift-events.js";
import * as events from "./events.js";
import { groupCommit } from "./group-commit.js";
import { createJobStore } from "./jobs.js";
import { createApiKeyStore } from "./keys.js";
import * as locks from "./locks.js";
import { migrateToLatest } from "./migrations.js";
import * as revisions from "./revisions.js";
import { createSessionRowStore } from "./sessions.js";
import { status } from "./status.js";
import { statusPage } from "./status-page.js";
import type { StateStore, StepEventInput } from "./types.js";

export interface OpenStateStoreOptions {
  /** `postgres://` or `postgresql://` (DATABASE_URL) for a server, or `sqlite:<path>` for a given file. */
  readonly url?: string;
  /** CODEPLOY_HOME; the SQLite file is `<home>/state.db`. @default ~/.codeploy */
  readonly home?: string;
  /** Source of every stored time. @default () => new Date() */
  readonly clock?: () => Date;
  /** Lease of a lock unless acquireLock says otherwise; holders renew well before it ends. @default 60_000 */
  readonly leaseMs?: number;
  /** Apply pending migrations on open. @default true */
  readonly migrate?: boolean;
  readonly sqlite?: SqliteOptions;
  readonly postgres?: PostgresOptions;
  /** Whether a lock holder still runs. @default false only for a pid on this host that no longer exists */
  readonly isHolderAlive?: (holder: { pid?: number; host?: string }) => boolean;
  /**
   * The audit key and the anchor kept outside the database (loadAuditKeyring).
   * @default none: records are linked by plain sha256 (legacy), for tools and tests
   */
  readonly audit?: AuditKeyring;
}

export async function openStateStore(options: OpenStateStoreOptions = {}): Promise<StateStore> {
  const backend = await openBackend(options);
  const ctx: StoreContext = {
    backend,
    clock: options.clock ?? (() => new Date()),
    leaseMs: options.leaseMs ?? 60_000,
    isHolderAlive: options.isHolderAlive ?? processExists,
    ...(options.audit ? { audit: options.audit } : {}),
  };
  const store = createStore(ctx);
  if (options.migrate !== false) {
    try {
      await store.migrate();
    } catch (error) {
      await backend.close();
      throw error;
    }
  }
  return store;
}

function openBackend(options: OpenStateStoreOptions): Promise<Backend> {
  const url = options.url;
  if (url === undefined || url === "") {
    return openSqlite(join(options.home ?? join(homedir(), ".codeploy"), "state.db"), options.sqlite);
  }
  if (/^postgres(ql)?:\/\//i.test(url)) return openPostgres(url, options.postgres);
  if (url.startsWith("sqlite:")) return openSqlite(url.slice("sqlite:".length), options.sqlite);
  throw new ConfigError(`unsupported state database URL scheme: ${url.split(":")[0]}:`, {
    hint: "use postgres://user:password@host:5432/db, or leave DATABASE_URL unset for the embedded SQLite file",
  });
}

function createStore(ctx: StoreContext): StateStore {
  const jobs = createJobStore(ctx);
  const appendOne = groupCommit((list: StepEventInput[]) => events.appendEvents(ctx, list));
  return {
    dialect: ctx.backend.dialect,
    migrate: () => migrateToLatest(ctx.backend),
    createRevision: (input) => revisions.createRevision(ctx, input),
    getRevision: (key, number) => revisions.getRevision(ctx, key, number),
    listRevisions: (key) => revisions.listRevisions(ctx, key),
    setRevisionCommit: (key, number, commit) => revisions.setRevisionCommit(ctx, key, number, commit),
    startDeployment: (input) => deployments.startDeployment(ctx, input),
    finishDeployment: (id, outcome, error) => deployments.finishDeployment(ctx, id, outcome, error),
    getDeployment: (id) => deployments.getDeployment(ctx, id),
    listDeployments: (filter) => deployments.listDeployments(ctx, filter),
    appendEvent: appendOne,
    appendEvents: (list) => events.appendEvents(ctx, list),
    listEvents: (id, afterSeq) => events.listEvents(ctx, id, afterSeq),
    status: (filter) => status(ctx, filter),
    statusPage: (query) => statusPage(ctx, query),
    acquireLock: (key, holder, options) => locks.acquireLock(ctx, key, holder, options),
    renewLock: (lock) => locks.renewLock(ctx, lock),
    releaseLock: (lock) => locks.releaseLock(ctx, lock),
    unlock: (key, options) => locks.unlock(ctx, key, options),
    getLock: (key) => locks.getLock(ctx, key),
    appendAudit: (input) => audit.appendAudit(ctx, input),
    listAudit: (options) => audit.listAudit(ctx, options),
    verifyAudit: (options) => audit.verifyAudit(ctx, options),
    auditHead: () => audit.auditHead(ctx),
    apiKeys: createApiKeyStore(ctx),
    consultations: createConsultationStore(ctx),
    driftEvents: createDriftEventStore(ctx),
    sessions: createSessionRowStore(ctx),
    drafts: createDraftRowStore(ctx),
    ...(jobs ? { jobs } : {}),
    close: () => ctx.backend.close(),
  };
}
