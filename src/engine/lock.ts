/**
 * The deployment lock as the engine uses it: wait out (or refuse) a held lock
 * before planning, and hold one while a run goes, noticing when it is lost.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { AbortedError, LockedError, LockLostError } from "../state/errors.js";
import type { LockInfo, StateStore } from "../state/types.js";
import type { DeployRequest } from "./deploy.js";

/**
 * Before planning: a live lock fails fast with LockedError naming its holder,
 * or with `wait` is waited out (polling, 25 ms doubling to 500 ms, until
 * `signal`), so the plan is made against what the holder left, never against
 * the state from before it finished.
 */
export async function awaitFreeLock(
  store: StateStore,
  key: { app: string; environment: string },
  options: { wait: boolean; signal?: AbortSignal; onWait?: (lock: LockInfo) => void },
): Promise<void> {
  let delay = 25;
  let told = false;
  for (;;) {
    const lock = await store.getLock(key);
    if (lock === undefined || lock.expired) return;
    if (!options.wait) throw new LockedError(lock);
    if (!told) options.onWait?.(lock);
    told = true;
    if (options.signal?.aborted) throw new AbortedError("waiting for the lock", options.signal.reason);
    await sleep(delay, undefined, options.signal ? { signal: options.signal } : {}).catch(
      (error: unknown) => {
        throw new AbortedError("waiting for the lock", options.signal?.reason ?? error);
      },
    );
    delay = Math.min(delay * 2, 500);
  }
}

/**
 * Holds the app + environment lock while `fn` runs, renewing its lease at a
 * third of it. The lock names the deployment id, so status can tell a running
 * deployment from an interrupted one. When a renewal finds the lock gone
 * (taken over, or `unlock --force`), or renewals keep failing until the lease
 * would end, `lost` is aborted: the run starts no further step and ends with
 * lock-lost, since another process may hold the lock now.
 */
const RENEW_AT_MOST_MS = 2_000;

export async function withLock<T>(
  store: StateStore,
  request: DeployRequest,
  leaseMs: number,
  fn: (deploymentId: string, lost: AbortSignal) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const key = { app: request.spec.name, environment: request.spec.environment };
  const deploymentId = request.deploymentId ?? randomUUID();
  const lock = await store.acquireLock(
    key,
    { actor: request.actor, pid: process.pid, deploymentId },
    {
      leaseMs,
      wait: request.waitForLock ?? false,
      ...(request.lockWaitTimeoutMs !== undefined ? { waitTimeoutMs: request.lockWaitTimeoutMs } : {}),
      ...(signal ? { signal } : {}),
    },
  );
  let held = lock;
  const lost = new AbortController();
  // At most every 2 s whatever the lease: a forced unlock or a takeover is noticed within that.
  const every = Math.max(50, Math.min(RENEW_AT_MOST_MS, Math.floor(leaseMs / 3)));
  // Wall time: how long the lease we last wrote still protects us.
  let validUntil = performance.now() + leaseMs;
  const renew = setInterval(() => {
    store.renewLock(held).then(
      (l) => {
        held = l;
        validUntil = performance.now() + leaseMs;
      },
      (error: unknown) => {
        // A transient store error is retried at the next tick, as long as the lease still covers it.
        if (error instanceof LockLostError || performance.now() + every >= validUntil) {
          const reason =
            error instanceof LockLostError
              ? `the lock on ${key.app}/${key.environment} was taken over or freed by someone else`
              : `the lock on ${key.app}/${key.environment} could not be renewed before its lease ended`;
          lost.abort(new LockLostError(key, reason));
        }
      },
    );
  }, every);
  renew.unref();
  try {
    return await fn(deploymentId, lost.signal);
  } finally {
    clearInterval(renew);
    await store.releaseLock(held).catch(() => false);
  }
}
