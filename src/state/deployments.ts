/**
 * Deployments (one run of apply / rollback / destroy) and the status of each
 * app + environment. A deployment's state is derived when read: its outcome if
 * it has one, else `running` while a live lock covers it, else `interrupted`
 * (the process died: `kill -9`, a crash, a lost machine).
 */
import { randomUUID } from "node:crypto";
import { CodeError, NotFoundError } from "../core/errors.js";
import { notifyCommitted } from "./commit-feed.js";
import { keyName, type StoreContext } from "./context.js";
import type { DeploymentsTable } from "./db-schema.js";
import { StateStoreError } from "./errors.js";
import { listLocks } from "./locks.js";
import type {
  Deployment,
  DeploymentAction,
  DeploymentFilter,
  DeploymentInput,
  DeploymentOutcome,
  DeploymentState,
  LockInfo,
} from "./types.js";

export async function startDeployment(ctx: StoreContext, input: DeploymentInput): Promise<Deployment> {
  const row = await ctx.backend.writeTx(keyName("env", input), async (trx) => {
    const last = await trx
      .selectFrom("deployments")
      .select((eb) => eb.fn.max("number").as("n"))
      .where("app", "=", input.app)
      .where("environment", "=", input.environment)
      .executeTakeFirst();
    const row: DeploymentsTable = {
      id: input.id ?? randomUUID(),
      app: input.app,
      environment: input.environment,
      number: Number(last?.n ?? 0) + 1,
      revision: input.revision,
      action: input.action,
      actor: input.actor,
      started_at: ctx.clock().toISOString(),
      finished_at: null,
      outcome: null,
      error: null,
      last_seq: 0,
      provider: input.provider ?? null,
    };
    await trx.insertInto("deployments").values(row).execute();
    return row;
  });
  const locks = await listLocks(ctx, input);
  return toDeployment(row, locks);
}

/** Records the terminal outcome; repeating the same outcome is a no-op, a different one is refused. */
export async function finishDeployment(
  ctx: StoreContext,
  id: string,
  outcome: DeploymentOutcome,
  error?: string,
): Promise<Deployment> {
  const finishedAt = ctx.clock().toISOString();
  await ctx.backend.writeTx(undefined, async (trx) => {
    const row = await trx
      .updateTable("deployments")
      .set({ outcome, finished_at: finishedAt, error: error ?? null })
      .where("id", "=", id)
      .where("outcome", "is", null)
      .returning("last_seq")
      .executeTakeFirst();
    // Followers in other processes learn of the end with the commit that records it.
    if (row)
      await notifyCommitted(trx, ctx.backend.dialect, [
        { deploymentId: id, seq: row.last_seq, finished: true },
      ]);
  });
  const deployment = await getDeployment(ctx, id);
  if (deployment === undefined) throw new NotFoundError(`no deployment ${id}`);
  if (deployment.outcome !== outcome) {
    throw new CodeError("DEPLOYMENT_FINISHED", `deployment ${id} already finished as ${deployment.outcome}`, {
      hint: "an outcome is recorded once; start a new deployment instead",
    });
  }
  return deployment;
}

export async function getDeployment(ctx: StoreContext, id: string): Promise<Deployment | undefined> {
  const row = await ctx.backend.db
    .selectFrom("deployments")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return toDeployment(row, await listLocks(ctx, row));
}

export async function listDeployments(
  ctx: StoreContext,
  filter: DeploymentFilter = {},
): Promise<Deployment[]> {
  let query = ctx.backend.db.selectFrom("deployments").selectAll();
  if (filter.app !== undefined) query = query.where("app", "=", filter.app);
  if (filter.environment !== undefined) query = query.where("environment", "=", filter.environment);
  const rows = await query
    .orderBy("started_at", "desc")
    .orderBy("number", "desc")
    .orderBy("app")
    .orderBy("environment")
    .limit(filter.limit ?? 50)
    .execute();
  const locks = await listLocks(ctx, filter);
  return rows.map((row) => toDeployment(row, locks));
}

export function toDeployment(row: DeploymentsTable, locks: readonly LockInfo[]): Deployment {
  const lock = locks.find((l) => l.app === row.app && l.environment === row.environment);
  return {
    id: row.id,
    app: row.app,
    environment: row.environment,
    number: row.number,
    revision: row.revision,
    action: oneOf(ACTIONS, row.action, "deployment action"),
    actor: row.actor,
    startedAt: row.started_at,
    finishedAt: row.finished_at ?? undefined,
    outcome: row.outcome === null ? undefined : oneOf(OUTCOMES, row.outcome, "deployment outcome"),
    error: row.error ?? undefined,
    state: deploymentState(row, lock),
    eventCount: row.last_seq,
    provider: row.provider ?? undefined,
  };
}

/**
 * Running while a live lock names this deployment, or names none and was taken
 * no later than the deployment started (a lock taken afterwards belongs to a
 * later run, so this one was abandoned).
 */
function deploymentState(row: DeploymentsTable, lock: LockInfo | undefined): DeploymentState {
  if (row.outcome !== null) return oneOf(OUTCOMES, row.outcome, "deployment outcome");
  if (lock === undefined || lock.expired) return "interrupted";
  if (lock.deploymentId !== undefined) return lock.deploymentId === row.id ? "running" : "interrupted";
  return lock.acquiredAt <= row.started_at ? "running" : "interrupted";
}

const ACTIONS: readonly DeploymentAction[] = ["apply", "rollback", "destroy"];
const OUTCOMES: readonly DeploymentOutcome[] = ["succeeded", "failed", "cancelled", "rolled-back"];

/** Narrows a stored text to its union, refusing values this version does not know. */
function oneOf<T extends string>(values: readonly T[], value: string, what: string): T {
  const found = values.find((v) => v === value);
  if (found === undefined) {
    throw new StateStoreError(`unknown ${what} "${value}" in the state database`, {
      hint: "the database was written by a newer codeploy version; upgrade",
    });
  }
  return found;
}
