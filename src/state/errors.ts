import { CodeError, type CodeErrorOptions } from "../core/errors.js";
import type { EnvironmentKey, LockInfo } from "./types.js";

/** Another process holds the apply lock of this app + environment. */
export class LockedError extends CodeError {
  readonly lock: LockInfo;

  constructor(lock: LockInfo, options: { timedOut?: boolean } = {}) {
    const who = lock.host ? `${lock.actor} (pid ${lock.pid ?? "?"} on ${lock.host})` : lock.actor;
    const waited = options.timedOut ? " (gave up waiting)" : "";
    super(
      "LOCKED",
      `${lock.app}/${lock.environment} is locked by ${lock.actor} since ${lock.acquiredAt}${waited}`,
      {
        hint:
          `held by ${who}; use --wait to queue behind it, or, if that process is gone, ` +
          `run \`codeploy unlock ${lock.app} --env ${lock.environment}\` (the lease also expires at ${lock.expiresAt})`,
        details: lock,
      },
    );
    this.lock = lock;
  }
}

/** `unlock` without --force while the holder still runs (its pid on this host, or a fresh lease). */
export class LockHeldError extends CodeError {
  readonly lock: LockInfo;

  constructor(lock: LockInfo) {
    const where = lock.host ? ` (pid ${lock.pid ?? "?"} on ${lock.host})` : "";
    super(
      "LOCK_HELD",
      `${lock.app}/${lock.environment} is held by ${lock.actor}${where}, which is still running` +
        `${lock.deploymentId ? ` deployment ${lock.deploymentId}` : ""}`,
      {
        hint:
          `wait for it to finish, or stop that process; its lease ends at ${lock.expiresAt}. ` +
          "--force frees it anyway: the holder then stops starting steps and ends with lock-lost",
        details: lock,
      },
    );
    this.lock = lock;
  }
}

/** renewLock on a lock that was taken over (lease expired) or force-unlocked. */
export class LockLostError extends CodeError {
  constructor(key: EnvironmentKey, message?: string) {
    super(
      "LOCK_LOST",
      message ?? `the lock on ${key.app}/${key.environment} is no longer held by this process`,
      {
        hint: "its lease expired or someone ran `codeploy unlock`; stop and check `codeploy status`",
      },
    );
  }
}

/** The database stayed busy (another process writing) longer than the busy timeout, or is unreachable. */
export class StateStoreError extends CodeError {
  constructor(message: string, options: CodeErrorOptions = {}) {
    super("STATE_STORE", message, options);
  }
}

/** Waiting (for a lock) was cancelled through an AbortSignal. */
export class AbortedError extends CodeError {
  constructor(what: string, cause?: unknown) {
    super("ABORTED", `${what} was cancelled`, { cause });
  }
}
