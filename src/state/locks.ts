/**
 * One apply per app + environment: a row per key with a holder, a random token
 * (ownership proof) and a lease. An expired lease, or a holder process on this
 * host that no longer exists, lets the next acquirer take the lock over.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type { Db } from "./backend.js";
import { keyName, type StoreContext } from "./context.js";
import type { LocksTable } from "./db-schema.js";
import { AbortedError, LockedError, LockHeldError, LockLostError } from "./errors.js";
import type { AcquireOptions, EnvironmentKey, Lock, LockHolder, LockInfo } from "./types.js";

export function toLockInfo(ctx: StoreContext, row: LocksTable): LockInfo {
  const holder = { pid: row.pid ?? undefined, host: row.host ?? undefined };
  const expired = Date.parse(row.expires_at) <= ctx.clock().getTime() || !ctx.isHolderAlive(holder);
  return {
    app: row.app,
    environment: row.environment,
    actor: row.actor,
    ...holder,
    deploymentId: row.deployment_id ?? undefined,
    acquiredAt: row.acquired_at,
    expiresAt: row.expires_at,
    expired,
  };
}

function selectLock(db: Db, key: EnvironmentKey) {
  return db
    .selectFrom("locks")
    .selectAll()
    .where("app", "=", key.app)
    .where("environment", "=", key.environment);
}

async function tryAcquire(ctx: StoreContext, key: EnvironmentKey, holder: LockHolder, leaseMs: number) {
  return ctx.backend.writeTx(keyName("lock", key), async (trx): Promise<Lock> => {
    const current = await selectLock(trx, key).executeTakeFirst();
    if (current !== undefined) {
      const info = toLockInfo(ctx, current);
      if (!info.expired) throw new LockedError(info);
      await trx
        .deleteFrom("locks")
        .where("app", "=", key.app)
        .where("environment", "=", key.environment)
        .execute();
    }
    const now = ctx.clock();
    const row: LocksTable = {
      app: key.app,
      environment: key.environment,
      token: randomUUID(),
      actor: holder.actor,
      pid: holder.pid ?? process.pid,
      host: holder.host ?? hostname(),
      deployment_id: holder.deploymentId ?? null,
      acquired_at: now.toISOString(),
      expires_at: new Date(now.getTime() + leaseMs).toISOString(),
      lease_ms: leaseMs,
    };
    await trx.insertInto("locks").values(row).execute();
    return { ...toLockInfo(ctx, row), expired: false, token: row.token, leaseMs };
  });
}

/** Fails fast with LockedError, or with `wait` polls (25 ms doubling to 500 ms) until free. */
export async function acquireLock(
  ctx: StoreContext,
  key: EnvironmentKey,
  holder: LockHolder,
  options: AcquireOptions = {},
): Promise<Lock> {
  const leaseMs = options.leaseMs ?? ctx.leaseMs;
  // Wall time, not the injected clock: this bounds how long we wait, it is never stored.
  const started = performance.now();
  let delay = 25;
  for (;;) {
    if (options.signal?.aborted) throw new AbortedError("waiting for the lock", options.signal.reason);
    try {
      return await tryAcquire(ctx, key, holder, leaseMs);
    } catch (error) {
      if (!(error instanceof LockedError) || options.wait !== true) throw error;
      const left = (options.waitTimeoutMs ?? Number.POSITIVE_INFINITY) - (performance.now() - started);
      if (left <= 0) throw new LockedError(error.lock, { timedOut: true });
      await pause(Math.min(delay, left), options.signal);
      delay = Math.min(delay * 2, 500);
    }
  }
}

async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (error) {
    throw new AbortedError("waiting for the lock", signal?.reason ?? error);
  }
}

export async function renewLock(ctx: StoreContext, lock: Lock): Promise<Lock> {
  const expiresAt = new Date(ctx.clock().getTime() + lock.leaseMs).toISOString();
  const result = await ctx.backend.writeTx(keyName("lock", lock), (trx) =>
    trx
      .updateTable("locks")
      .set({ expires_at: expiresAt })
      .where("app", "=", lock.app)
      .where("environment", "=", lock.environment)
      .where("token", "=", lock.token)
      .executeTakeFirst(),
  );
  if (result.numUpdatedRows === 0n) throw new LockLostError(lock);
  return { ...lock, expiresAt, expired: false };
}

export async function releaseLock(ctx: StoreContext, lock: Lock): Promise<boolean> {
  const result = await ctx.backend.writeTx(keyName("lock", lock), (trx) =>
    trx
      .deleteFrom("locks")
      .where("app", "=", lock.app)
      .where("environment", "=", lock.environment)
      .where("token", "=", lock.token)
      .executeTakeFirst(),
  );
  return result.numDeletedRows > 0n;
}

/**
 * Frees the lock when its holder is gone (dead pid on this host, or lease
 * over); with `force`, whoever holds it. Checked and deleted in one write
 * transaction, so a holder cannot renew in between.
 */
export async function unlock(
  ctx: StoreContext,
  key: EnvironmentKey,
  options: { force?: boolean } = {},
): Promise<{ freed: boolean; lock?: LockInfo }> {
  return ctx.backend.writeTx(keyName("lock", key), async (trx) => {
    const row = await selectLock(trx, key).executeTakeFirst();
    if (row === undefined) return { freed: false };
    const lock = toLockInfo(ctx, row);
    if (!lock.expired && options.force !== true) throw new LockHeldError(lock);
    await trx
      .deleteFrom("locks")
      .where("app", "=", key.app)
      .where("environment", "=", key.environment)
      .where("token", "=", row.token)
      .execute();
    return { freed: true, lock };
  });
}

export async function getLock(ctx: StoreContext, key: EnvironmentKey): Promise<LockInfo | undefined> {
  const row = await selectLock(ctx.backend.db, key).executeTakeFirst();
  return row === undefined ? undefined : toLockInfo(ctx, row);
}

/** Every lock, optionally of one app and/or environment (for status and deployment states). */
export async function listLocks(ctx: StoreContext, filter: Partial<EnvironmentKey>): Promise<LockInfo[]> {
  let query = ctx.backend.db.selectFrom("locks").selectAll();
  if (filter.app !== undefined) query = query.where("app", "=", filter.app);
  if (filter.environment !== undefined) query = query.where("environment", "=", filter.environment);
  const rows = await query.execute();
  return rows.map((row) => toLockInfo(ctx, row));
}
