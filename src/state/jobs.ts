/**
 * The deployment queue in the state database (migration 0010), Postgres only.
 * An API server inserts a job; workers claim with `FOR UPDATE SKIP LOCKED`,
 * hold a lease they renew, and finish it. The claim itself keeps the order
 * rules: jobs of one app + environment in submission order, none while another
 * job of it is claimed or a live lock covers it. Policy (attempts, drain, what a
 * job runs) is the queue's (src/queue/); this file is the SQL.
 */
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { CodeError } from "../core/errors.js";
import type { Db } from "./backend.js";
import type { StoreContext } from "./context.js";

/**
 * `queued` -> `claimed` -> one end: `done` (a deployment ran and recorded its outcome), `unchanged`
 * (nothing to change by then), `refused` (a gate refused it at run time), `interrupted` (its worker's
 * lease ran out) or `handed-back` (a draining worker cancelled it); the last two may be retried as a
 * new job (`retriedAs`).
 */
export type JobState =
  | "queued"
  | "claimed"
  | "done"
  | "unchanged"
  | "refused"
  | "interrupted"
  | "handed-back";
export type JobEnd = "done" | "unchanged" | "refused";

/** What a job runs (migration 0013): jobs of one app + environment run in line order whatever their kind. */
export type JobKind = "apply" | "rollback" | "destroy";
export const JOB_KINDS: readonly JobKind[] = ["apply", "rollback", "destroy"];

/** The deployment action a job shows as; one from a newer codeploy (never run here) as the apply all jobs once were. */
export function jobAction(job: { readonly kind: JobKind | "unknown" }): JobKind {
  return job.kind === "unknown" ? "apply" : job.kind;
}

export interface JobInput {
  /** The deployment id the job runs with. */
  readonly id: string;
  /** @default "apply" */
  readonly kind?: JobKind;
  readonly app: string;
  readonly environment: string;
  readonly actor: string;
  /** Who asked (re-checked when the job runs). */
  readonly caller: unknown;
  /** What to run (no secret values: the queue checks before enqueueing). */
  readonly request: unknown;
}

export interface Job {
  readonly id: string;
  /** `unknown`: written by a newer codeploy; never run by this one. */
  readonly kind: JobKind | "unknown";
  readonly app: string;
  readonly environment: string;
  /** Place in line; a retry keeps the place of the attempt it retries. */
  readonly position: number;
  /** 1 for the submitted job, 2 for its first retry... */
  readonly attempt: number;
  readonly retryOf: string | undefined;
  readonly retriedAs: string | undefined;
  readonly state: JobState;
  readonly actor: string;
  readonly caller: unknown;
  readonly request: unknown;
  readonly worker: string | undefined;
  readonly leaseUntil: string | undefined;
  readonly submittedAt: string;
  readonly claimedAt: string | undefined;
  readonly finishedAt: string | undefined;
  readonly error: string | undefined;
}

export interface JobStore {
  /** Inserts a queued job; `ahead` counts the queued and claimed jobs before it. */
  enqueue(input: JobInput): Promise<{ job: Job; ahead: number }>;
  /** The next job this worker may run, claimed with a lease; undefined when none is free. */
  claim(worker: string, leaseMs: number): Promise<Job | undefined>;
  /** Extends the lease; false when the job is no longer this worker's (reaped, finished). */
  renew(id: string, worker: string, leaseMs: number): Promise<boolean>;
  /** Records the end; false when the job is no longer this worker's. */
  finish(id: string, worker: string, end: JobEnd, error?: string): Promise<boolean>;
  /** A draining worker gives a claimed job back: a new attempt is queued in its place (up to `maxAttempts`). */
  handBack(id: string, worker: string, reason: string, maxAttempts: number): Promise<Job | undefined>;
  /** Puts a claimed job back in line as it was (same id and attempt): its app + environment is busy outside the queue. */
  release(id: string, worker: string, reason: string): Promise<boolean>;
  /** Jobs whose lease ran out become `interrupted`, their locks are freed and retries queued. */
  reap(maxAttempts: number): Promise<{ readonly interrupted: Job[]; readonly retried: Job[] }>;
  get(id: string): Promise<Job | undefined>;
  /** Jobs still queued or claimed, in line order. */
  open(filter?: { app?: string; environment?: string; limit?: number }): Promise<Job[]>;
  /** Number of queued jobs. */
  depth(): Promise<number>;
}

interface JobsTable {
  id: string;
  kind: string;
  app: string;
  environment: string;
  position: number;
  attempt: number;
  retry_of: string | null;
  retried_as: string | null;
  state: string;
  actor: string;
  caller_json: string;
  request_json: string;
  worker: string | null;
  lease_until: string | null;
  submitted_at: string;
  claimed_at: string | null;
  finished_at: string | null;
  error: string | null;
}

/** The table is added by migration 0010; the shared schema type does not know it. */
function jobsDb(db: Db) {
  return db.withTables<{ deployment_jobs: JobsTable }>();
}

const STATES: readonly JobState[] = [
  "queued",
  "claimed",
  "done",
  "unchanged",
  "refused",
  "interrupted",
  "handed-back",
];

function toJob(row: JobsTable): Job {
  return {
    id: row.id,
    kind: JOB_KINDS.find((k) => k === row.kind) ?? "unknown",
    app: row.app,
    environment: row.environment,
    position: Number(row.position),
    attempt: Number(row.attempt),
    retryOf: row.retry_of ?? undefined,
    retriedAs: row.retried_as ?? undefined,
    state: STATES.find((s) => s === row.state) ?? "interrupted",
    actor: row.actor,
    caller: JSON.parse(row.caller_json),
    request: JSON.parse(row.request_json),
    worker: row.worker ?? undefined,
    leaseUntil: row.lease_until ?? undefined,
    submittedAt: row.submitted_at,
    claimedAt: row.claimed_at ?? undefined,
    finishedAt: row.finished_at ?? undefined,
    error: row.error ?? undefined,
  };
}

/** Serialises enqueues and retries: positions are taken as max + 1. */
const QUEUE_LOCK = "deployment-jobs";

export function createJobStore(ctx: StoreContext): JobStore | undefined {
  if (ctx.backend.dialect !== "postgres") return undefined;
  const db = jobsDb(ctx.backend.db);
  const now = () => ctx.clock().toISOString();
  const later = (ms: number) => new Date(ctx.clock().getTime() + ms).toISOString();

  /** A new attempt of `row`, in its place in line, and the link from the old one. */
  const retry = async (trx: ReturnType<typeof jobsDb>, row: JobsTable): Promise<Job> => {
    const id = randomUUID();
    const next: JobsTable = {
      ...row,
      id,
      attempt: Number(row.attempt) + 1,
      retry_of: row.id,
      retried_as: null,
      state: "queued",
      worker: null,
      lease_until: null,
      submitted_at: now(),
      claimed_at: null,
      finished_at: null,
      error: null,
    };
    await trx.insertInto("deployment_jobs").values(next).execute();
    await trx.updateTable("deployment_jobs").set({ retried_as: id }).where("id", "=", row.id).execute();
    return toJob(next);
  };

  return {
    async enqueue(input) {
      return ctx.backend.writeTx(QUEUE_LOCK, async (t) => {
        const trx = jobsDb(t);
        const last = await trx
          .selectFrom("deployment_jobs")
          .select((eb) => eb.fn.max("position").as("p"))
          .executeTakeFirst();
        const row: JobsTable = {
          id: input.id,
          kind: input.kind ?? "apply",
          app: input.app,
          environment: input.environment,
          position: Number(last?.p ?? 0) + 1,
          attempt: 1,
          retry_of: null,
          retried_as: null,
          state: "queued",
          actor: input.actor,
          caller_json: JSON.stringify(input.caller),
          request_json: JSON.stringify(input.request),
          worker: null,
          lease_until: null,
          submitted_at: now(),
          claimed_at: null,
          finished_at: null,
          error: null,
        };
        await trx.insertInto("deployment_jobs").values(row).execute();
        const ahead = await trx
          .selectFrom("deployment_jobs")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("state", "in", ["queued", "claimed"])
          .where("position", "<", row.position)
          .executeTakeFirst();
        return { job: toJob(row), ahead: Number(ahead?.n ?? 0) };
      });
    },

    async claim(worker, leaseMs) {
      const at = now();
      // One statement: the candidate is locked (SKIP LOCKED: another worker's candidate is passed
      // over, not waited for) and updated before commit. A job waits while an earlier job of its
      // app + environment is queued or any is claimed, and while a live lock covers it.
      const { rows } = await sql<JobsTable>`
        update deployment_jobs set state = 'claimed', worker = ${worker},
          lease_until = ${later(leaseMs)}, claimed_at = ${at}
        where id = (
          select j.id from deployment_jobs j
          where j.state = 'queued'
            and not exists (
              select 1 from deployment_jobs o
              where o.app = j.app and o.environment = j.environment and o.id <> j.id
                and (o.state = 'claimed'
                  or (o.state = 'queued' and (o.position < j.position
                    or (o.position = j.position and o.attempt < j.attempt)))))
            and not exists (
              select 1 from locks l
              where l.app = j.app and l.environment = j.environment and l.expires_at > ${at})
          order by j.position, j.attempt
          limit 1
          for update skip locked)
        and state = 'queued'
        returning *`.execute(ctx.backend.db);
      const row = rows[0];
      return row === undefined ? undefined : toJob(row);
    },

    async renew(id, worker, leaseMs) {
      const result = await db
        .updateTable("deployment_jobs")
        .set({ lease_until: later(leaseMs) })
        .where("id", "=", id)
        .where("worker", "=", worker)
        .where("state", "=", "claimed")
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async finish(id, worker, end, error) {
      const result = await db
        .updateTable("deployment_jobs")
        .set({ state: end, finished_at: now(), error: error ?? null })
        .where("id", "=", id)
        .where("worker", "=", worker)
        .where("state", "=", "claimed")
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async handBack(id, worker, reason, maxAttempts) {
      return ctx.backend.writeTx(QUEUE_LOCK, async (t) => {
        const trx = jobsDb(t);
        const row = await trx
          .updateTable("deployment_jobs")
          .set({ state: "handed-back", finished_at: now(), error: reason })
          .where("id", "=", id)
          .where("worker", "=", worker)
          .where("state", "=", "claimed")
          .returningAll()
          .executeTakeFirst();
        if (row === undefined || Number(row.attempt) >= maxAttempts) return undefined;
        return retry(trx, row);
      });
    },

    async release(id, worker, reason) {
      const result = await db
        .updateTable("deployment_jobs")
        .set({ state: "queued", worker: null, lease_until: null, claimed_at: null, error: reason })
        .where("id", "=", id)
        .where("worker", "=", worker)
        .where("state", "=", "claimed")
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async reap(maxAttempts) {
      return ctx.backend.writeTx(QUEUE_LOCK, async (t) => {
        const trx = jobsDb(t);
        const at = now();
        const rows = await trx
          .updateTable("deployment_jobs")
          .set((eb) => ({
            state: "interrupted",
            finished_at: at,
            error: sql<string>`'the lease of worker ' || ${eb.ref("worker")} || ' ran out (it stopped or lost the database)'`,
          }))
          .where("state", "=", "claimed")
          .where("lease_until", "<", at)
          .returningAll()
          .execute();
        const retried: Job[] = [];
        for (const row of rows) {
          // Its worker is gone or cut off: the lock it held goes too, so the retry need not wait for the
          // lock's own lease; a worker that is only late finds its lock lost and stops.
          await t.deleteFrom("locks").where("deployment_id", "=", row.id).execute();
          if (Number(row.attempt) < maxAttempts) retried.push(await retry(trx, row));
        }
        return { interrupted: rows.map(toJob), retried };
      });
    },

    async get(id) {
      const row = await db.selectFrom("deployment_jobs").selectAll().where("id", "=", id).executeTakeFirst();
      return row === undefined ? undefined : toJob(row);
    },

    async open(filter = {}) {
      let query = db.selectFrom("deployment_jobs").selectAll().where("state", "in", ["queued", "claimed"]);
      if (filter.app !== undefined) query = query.where("app", "=", filter.app);
      if (filter.environment !== undefined) query = query.where("environment", "=", filter.environment);
      const rows = await query
        .orderBy("position")
        .orderBy("attempt")
        .limit(filter.limit ?? 100)
        .execute();
      return rows.map(toJob);
    },

    async depth() {
      const row = await db
        .selectFrom("deployment_jobs")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("state", "=", "queued")
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
  };
}

/** What `--role api|worker` needs and SQLite cannot give. */
export function queueUnsupported(): CodeError {
  return new CodeError("USAGE", "the deployment queue needs Postgres: --role api and worker share it", {
    hint: "a team sets DATABASE_URL=postgres://... on every API server and worker; on SQLite run `codeploy serve` (role all)",
  });
}
