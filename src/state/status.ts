/**
 * The current state per app + environment, in five queries whatever the number
 * of environments: the pairs, the last deployment of each, the last succeeded
 * one of each, the latest revision of each, the open jobs of each (plus the
 * locks). An environment whose first deployment still waits in the deployment
 * queue has only jobs: it is listed, with nothing deployed and `queued` set.
 */
import type { Db } from "./backend.js";
import type { StoreContext } from "./context.js";
import type { DeploymentsTable } from "./db-schema.js";
import { toDeployment } from "./deployments.js";
import { listLocks } from "./locks.js";
import type { EnvironmentKey, EnvironmentStatus } from "./types.js";

type Filter = Partial<EnvironmentKey>;

export async function status(ctx: StoreContext, filter: Filter = {}): Promise<EnvironmentStatus[]> {
  const db = ctx.backend.db;
  const [recorded, lastRows, succeededRows, revisionRows, jobRows, locks] = await Promise.all([
    environmentPairs(db, filter),
    lastDeployments(db, filter, false),
    lastDeployments(db, filter, true),
    latestRevisions(db, filter),
    openJobs(db, filter),
    listLocks(ctx, filter),
  ]);
  const id = (k: EnvironmentKey): string => JSON.stringify([k.app, k.environment]);
  const last = new Map(lastRows.map((r) => [id(r), r]));
  const succeeded = new Map(succeededRows.map((r) => [id(r), r]));
  const revisions = new Map(revisionRows.map((r) => [id(r), Number(r.n)]));
  const queued = new Map(jobRows.map((r) => [id(r), Number(r.n)]));
  const pairs = new Map(
    [...recorded, ...jobRows].map((r) => [id(r), { app: r.app, environment: r.environment }]),
  );
  return [...pairs.values()]
    .sort((a, b) => (id(a) < id(b) ? -1 : 1))
    .map((pair): EnvironmentStatus => {
      const lastRow = last.get(id(pair));
      const current = succeeded.get(id(pair));
      const waiting = queued.get(id(pair)) ?? 0;
      return {
        app: pair.app,
        environment: pair.environment,
        // A succeeded destroy leaves nothing deployed.
        currentRevision: current === undefined || current.action === "destroy" ? undefined : current.revision,
        latestRevision: revisions.get(id(pair)),
        lastDeployment: lastRow === undefined ? undefined : toDeployment(lastRow, locks),
        lock: locks.find((l) => l.app === pair.app && l.environment === pair.environment),
        ...(waiting > 0 ? { queued: waiting } : {}),
      };
    });
}

async function environmentPairs(db: Db, filter: Filter): Promise<EnvironmentKey[]> {
  let fromRevisions = db.selectFrom("revisions").select(["app", "environment"]);
  let fromDeployments = db.selectFrom("deployments").select(["app", "environment"]);
  if (filter.app !== undefined) {
    fromRevisions = fromRevisions.where("app", "=", filter.app);
    fromDeployments = fromDeployments.where("app", "=", filter.app);
  }
  if (filter.environment !== undefined) {
    fromRevisions = fromRevisions.where("environment", "=", filter.environment);
    fromDeployments = fromDeployments.where("environment", "=", filter.environment);
  }
  return fromRevisions.union(fromDeployments).execute();
}

/** The deployment with the highest number per pair (only succeeded ones when `succeededOnly`). */
async function lastDeployments(db: Db, filter: Filter, succeededOnly: boolean): Promise<DeploymentsTable[]> {
  let query = db
    .selectFrom("deployments as d")
    .selectAll("d")
    .where("d.number", "=", (eb) => {
      let inner = eb
        .selectFrom("deployments as d2")
        .select((e) => e.fn.max("d2.number").as("n"))
        .whereRef("d2.app", "=", "d.app")
        .whereRef("d2.environment", "=", "d.environment");
      if (succeededOnly) inner = inner.where("d2.outcome", "=", "succeeded");
      return inner;
    });
  if (filter.app !== undefined) query = query.where("d.app", "=", filter.app);
  if (filter.environment !== undefined) query = query.where("d.environment", "=", filter.environment);
  return query.execute();
}

/** States of a job that has not become a deployment yet (state/jobs.ts). */
export const OPEN_JOB_STATES = ["queued", "claimed"] as const;

/**
 * Open jobs per pair. The table (migration 0010) exists on both backends; only Postgres fills it
 * (an API server in role api), so on SQLite this answers nothing.
 */
async function openJobs(db: Db, filter: Filter) {
  let query = db
    .withTables<{ deployment_jobs: { app: string; environment: string; state: string } }>()
    .selectFrom("deployment_jobs")
    .select(["app", "environment", (eb) => eb.fn.countAll().as("n")])
    .where("state", "in", OPEN_JOB_STATES)
    .groupBy(["app", "environment"]);
  if (filter.app !== undefined) query = query.where("app", "=", filter.app);
  if (filter.environment !== undefined) query = query.where("environment", "=", filter.environment);
  return query.execute();
}

async function latestRevisions(db: Db, filter: Filter) {
  let query = db
    .selectFrom("revisions")
    .select(["app", "environment", (eb) => eb.fn.max("number").as("n")])
    .groupBy(["app", "environment"]);
  if (filter.app !== undefined) query = query.where("app", "=", filter.app);
  if (filter.environment !== undefined) query = query.where("environment", "=", filter.environment);
  return query.execute();
}
