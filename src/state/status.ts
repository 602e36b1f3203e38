/**
 * The current state per app + environment, in four queries whatever the number
 * of environments: the pairs, the last deployment of each, the last succeeded
 * one of each, the latest revision of each (plus the locks).
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
  const [pairs, lastRows, succeededRows, revisionRows, locks] = await Promise.all([
    environmentPairs(db, filter),
    lastDeployments(db, filter, false),
    lastDeployments(db, filter, true),
    latestRevisions(db, filter),
    listLocks(ctx, filter),
  ]);
  const id = (k: EnvironmentKey): string => JSON.stringify([k.app, k.environment]);
  const last = new Map(lastRows.map((r) => [id(r), r]));
  const succeeded = new Map(succeededRows.map((r) => [id(r), r]));
  const revisions = new Map(revisionRows.map((r) => [id(r), Number(r.n)]));
  return pairs
    .sort((a, b) => (id(a) < id(b) ? -1 : 1))
    .map((pair): EnvironmentStatus => {
      const lastRow = last.get(id(pair));
      const current = succeeded.get(id(pair));
      return {
        app: pair.app,
        environment: pair.environment,
        // A succeeded destroy leaves nothing deployed.
        currentRevision: current === undefined || current.action === "destroy" ? undefined : current.revision,
        latestRevision: revisions.get(id(pair)),
        lastDeployment: lastRow === undefined ? undefined : toDeployment(lastRow, locks),
        lock: locks.find((l) => l.app === pair.app && l.environment === pair.environment),
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

async function latestRevisions(db: Db, filter: Filter) {
  let query = db
    .selectFrom("revisions")
    .select(["app", "environment", (eb) => eb.fn.max("number").as("n")])
    .groupBy(["app", "environment"]);
  if (filter.app !== undefined) query = query.where("app", "=", filter.app);
  if (filter.environment !== undefined) query = query.where("environment", "=", filter.environment);
  return query.execute();
}
