/**
 * Schema migrations, in code (no folder scan, so they run the same from src and
 * dist) and portable: one list serves SQLite and Postgres. To extend the schema
 * (consultations, API keys, a job queue...), append an entry with the next
 * number; never edit an entry that has shipped.
 */
import { type Kysely, type Migration, Migrator, sql } from "kysely";
import type { Backend, Db } from "./backend.js";
import { StateStoreError } from "./errors.js";

const initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("revisions")
      .ifNotExists()
      .addColumn("app", "text", (c) => c.notNull())
      .addColumn("environment", "text", (c) => c.notNull())
      .addColumn("number", "integer", (c) => c.notNull())
      .addColumn("spec_json", "text", (c) => c.notNull())
      .addColumn("request", "text")
      .addColumn("interpreter", "text")
      .addColumn("artifact_hashes_json", "text", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("revisions_pk", ["app", "environment", "number"])
      .execute();
    await db.schema
      .createTable("deployments")
      .ifNotExists()
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("app", "text", (c) => c.notNull())
      .addColumn("environment", "text", (c) => c.notNull())
      .addColumn("number", "integer", (c) => c.notNull())
      .addColumn("revision", "integer", (c) => c.notNull())
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("started_at", "text", (c) => c.notNull())
      .addColumn("finished_at", "text")
      .addColumn("outcome", "text")
      .addColumn("error", "text")
      .addColumn("last_seq", "integer", (c) => c.notNull().defaultTo(0))
      .addUniqueConstraint("deployments_env_number", ["app", "environment", "number"])
      .execute();
    await db.schema
      .createTable("step_events")
      .ifNotExists()
      .addColumn("deployment_id", "text", (c) => c.notNull().references("deployments.id").onDelete("cascade"))
      .addColumn("seq", "integer", (c) => c.notNull())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("step", "text")
      .addColumn("message", "text")
      .addColumn("data_json", "text")
      .addPrimaryKeyConstraint("step_events_pk", ["deployment_id", "seq"])
      .execute();
    await db.schema
      .createTable("locks")
      .ifNotExists()
      .addColumn("app", "text", (c) => c.notNull())
      .addColumn("environment", "text", (c) => c.notNull())
      .addColumn("token", "text", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("pid", "integer")
      .addColumn("host", "text")
      .addColumn("deployment_id", "text")
      .addColumn("acquired_at", "text", (c) => c.notNull())
      .addColumn("expires_at", "text", (c) => c.notNull())
      .addColumn("lease_ms", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("locks_pk", ["app", "environment"])
      .execute();
    await db.schema
      .createTable("audit_log")
      .ifNotExists()
      .addColumn("seq", "integer", (c) => c.primaryKey())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("command", "text", (c) => c.notNull())
      .addColumn("target", "text")
      .addColumn("outcome", "text", (c) => c.notNull())
      .addColumn("details_json", "text")
      .addColumn("prev_hash", "text", (c) => c.notNull())
      .addColumn("hash", "text", (c) => c.notNull())
      .execute();
  },
};

/** API keys for `codeploy serve` (state/keys.ts): only the sha256 of each key is kept. */
const apiKeys: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("api_keys")
      .ifNotExists()
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("role", "text", (c) => c.notNull())
      .addColumn("environments_json", "text", (c) => c.notNull())
      .addColumn("hash", "text", (c) => c.notNull().unique())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("expires_at", "text")
      .addColumn("revoked_at", "text")
      .execute();
  },
};

/** The Circle of Experts: every consultation (the whole record as JSON) and the exact-match LLM response cache. */
/** Token usage and cost of the model calls that produced a revision's spec (LLM interpreter). */
const revisionInterpretUsage: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("revisions").addColumn("interpret_usage_json", "text").execute();
  },
};

const consultations: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("consultations")
      .ifNotExists()
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("question", "text", (c) => c.notNull())
      .addColumn("total_usd", "double precision", (c) => c.notNull())
      .addColumn("record_json", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("consultations_created_idx")
      .ifNotExists()
      .on("consultations")
      .column("created_at")
      .execute();
    await db.schema
      .createTable("llm_cache")
      .ifNotExists()
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("value_json", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
  },
};

/**
 * Keyed audit chain: records appended with the audit key are `hmac-sha256`;
 * those already there stay `sha256` and verify as legacy (audit-chain.ts).
 */
const auditScheme: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable("audit_log")
      .addColumn("scheme", "text", (c) => c.notNull().defaultTo("sha256"))
      .execute();
  },
};

/** The provider each deployment ran with: rollback, destroy and status use the same one. */
const deploymentProvider: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("deployments").addColumn("provider", "text").execute();
  },
};

/** The Git commit that holds a revision (gitops.repo): set once the commit is pushed. */
const revisionCommit: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("revisions").addColumn("git_commit", "text").execute();
  },
};

/**
 * Drift events in their own table (state/drift-events.ts): listed and paged per
 * app + environment, pruned by retention; and the Git commit a revision's spec
 * was read from (`codeploy sync`, `serve`'s repository watch).
 */
const driftEventsAndSource: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("drift_events")
      .ifNotExists()
      .addColumn("app", "text", (c) => c.notNull())
      .addColumn("environment", "text", (c) => c.notNull())
      .addColumn("seq", "integer", (c) => c.notNull())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("revision", "integer", (c) => c.notNull())
      .addColumn("provider", "text", (c) => c.notNull())
      .addColumn("resources", "integer", (c) => c.notNull())
      .addColumn("summary_json", "text", (c) => c.notNull())
      .addColumn("healed", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("heal_json", "text")
      .addColumn("checker", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("drift_events_pk", ["app", "environment", "seq"])
      .execute();
    await db.schema.alterTable("revisions").addColumn("source_commit", "text").execute();
  },
};

/**
 * The deployment queue (API servers enqueue, workers claim with FOR UPDATE SKIP LOCKED; state/jobs.ts).
 * One row per attempt: its id is the deployment id the attempt runs with. Created on SQLite too (one
 * list serves both) but only used on Postgres.
 */
const deploymentJobs: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("deployment_jobs")
      .ifNotExists()
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("app", "text", (c) => c.notNull())
      .addColumn("environment", "text", (c) => c.notNull())
      .addColumn("position", "integer", (c) => c.notNull())
      .addColumn("attempt", "integer", (c) => c.notNull())
      .addColumn("retry_of", "text")
      .addColumn("retried_as", "text")
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("caller_json", "text", (c) => c.notNull())
      .addColumn("request_json", "text", (c) => c.notNull())
      .addColumn("worker", "text")
      .addColumn("lease_until", "text")
      .addColumn("submitted_at", "text", (c) => c.notNull())
      .addColumn("claimed_at", "text")
      .addColumn("finished_at", "text")
      .addColumn("error", "text")
      .execute();
    await db.schema
      .createIndex("deployment_jobs_open_idx")
      .ifNotExists()
      .on("deployment_jobs")
      .columns(["state", "position"])
      .execute();
    await db.schema
      .createIndex("deployment_jobs_env_idx")
      .ifNotExists()
      .on("deployment_jobs")
      .columns(["app", "environment", "position"])
      .execute();
  },
};

/**
 * Dashboard sessions shared by every API server on the database (state/sessions.ts): keyed by the
 * sha256 of the cookie's id; the credential sealed with a key derived from the shared secret seed.
 */
const dashboardSessions: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("dashboard_sessions")
      .ifNotExists()
      .addColumn("id_hash", "text", (c) => c.primaryKey())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("csrf", "text", (c) => c.notNull())
      .addColumn("sealed", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("last_seen", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("dashboard_sessions_created_idx")
      .ifNotExists()
      .on("dashboard_sessions")
      .column("created_at")
      .execute();
    await db.schema
      .createIndex("dashboard_sessions_seen_idx")
      .ifNotExists()
      .on("dashboard_sessions")
      .column("last_seen")
      .execute();
  },
};

/**
 * Reviewed drafts of the dashboard's new-deployment page (state/dashboard-drafts.ts): what the person
 * typed, sealed, keyed by the sha256 of the id the page carries and bound to the session's id hash.
 */
const dashboardDrafts: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("dashboard_drafts")
      .ifNotExists()
      .addColumn("id_hash", "text", (c) => c.primaryKey())
      .addColumn("session_hash", "text", (c) => c.notNull())
      .addColumn("sealed", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("dashboard_drafts_created_idx")
      .ifNotExists()
      .on("dashboard_drafts")
      .column("created_at")
      .execute();
    await db.schema
      .createIndex("dashboard_drafts_session_idx")
      .ifNotExists()
      .on("dashboard_drafts")
      .columns(["session_hash", "created_at"])
      .execute();
  },
};

/**
 * What a queued job runs (state/jobs.ts): `apply`, `rollback` or `destroy`. Jobs queued before it were
 * all applies, hence the default.
 */
const jobKind: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable("deployment_jobs")
      .addColumn("kind", "text", (c) => c.notNull().defaultTo("apply"))
      .execute();
  },
};

/** Ordered by name; append only. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  "0001_initial": initial,
  "0002_api_keys": apiKeys,
  "0003_consultations": consultations,
  "0004_revision_interpret_usage": revisionInterpretUsage,
  "0005_audit_scheme": auditScheme,
  "0006_deployment_provider": deploymentProvider,
  "0007_revision_commit": revisionCommit,
  "0009_drift_events": driftEventsAndSource,
  "0010_deployment_jobs": deploymentJobs,
  "0011_dashboard_sessions": dashboardSessions,
  "0012_dashboard_drafts": dashboardDrafts,
  "0013_job_kind": jobKind,
};

/**
 * Brings the schema up to date. On Postgres, Kysely's Migrator takes an advisory
 * lock; on SQLite it takes none, so the whole run happens inside the store's
 * write transaction (BEGIN IMMEDIATE): a second process waits, then finds
 * nothing to do.
 */
export async function migrateToLatest(backend: Backend): Promise<void> {
  // Every open of the store lands here: an up-to-date schema (the common case, and
  // every CLI command) is answered by one read, without the Migrator's setup
  // statements or SQLite's write transaction (issue 26: `codeploy status` start-up).
  if (await upToDate(backend.db)) return;
  if (backend.dialect === "postgres") return runMigrator(backend.db);
  await backend.writeTx("migrate", runMigrator);
}

/**
 * True when exactly our migrations are recorded. Anything else (no table yet,
 * one missing, one from a newer codeploy) goes through the Migrator, which
 * applies or refuses as before.
 */
async function upToDate(db: Db): Promise<boolean> {
  try {
    const { rows } = await sql<{ name: string }>`select name from codeploy_migration`.execute(db);
    const applied = new Set(rows.map((r) => r.name));
    const ours = Object.keys(MIGRATIONS);
    return applied.size === ours.length && ours.every((name) => applied.has(name));
  } catch {
    return false;
  }
}

/** Our names sort by code point; localeCompare (Kysely's default) would load ICU's collator for it. */
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function runMigrator(db: Db): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...MIGRATIONS }) },
    migrationTableName: "codeploy_migration",
    migrationLockTableName: "codeploy_migration_lock",
    nameComparator: byCodePoint,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "(setup)";
    throw new StateStoreError(`migrating the state database failed at ${failed}`, {
      cause: error,
      hint: "check that the database is reachable and writable, and that no newer codeploy version migrated it",
    });
  }
}
