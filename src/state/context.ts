import { hostname } from "node:os";
import type { AuditKeyring } from "./audit-key.js";
import type { Backend } from "./backend.js";

/** What every part of the store shares: the database, the clock and the lock policy. */
export interface StoreContext {
  readonly backend: Backend;
  readonly clock: () => Date;
  /** Default lease of acquireLock, in ms. */
  readonly leaseMs: number;
  readonly isHolderAlive: (holder: { pid?: number; host?: string }) => boolean;
  /** The audit key and anchor; absent: legacy unkeyed records (tests, tools that only read). */
  readonly audit?: AuditKeyring;
}

/**
 * A holder counts as dead only when it is a process on this host that no longer
 * exists; anything else (another host, no pid) is left to the lease.
 */
export function processExists(holder: { pid?: number; host?: string }): boolean {
  if (holder.pid === undefined || holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return !(error instanceof Error && "code" in error && error.code === "ESRCH");
  }
}

export function keyName(prefix: string, key: { app: string; environment: string }): string {
  return `${prefix}:${key.app}/${key.environment}`;
}
