/**
 * One writer per working copy at a time, across processes (a CLI apply and a
 * server on the same CODEPLOY_HOME): an exclusive lock file holding the
 * owner's pid and host. A lock whose pid no longer exists on this host, or
 * older than `staleMs`, is taken over. Waiting is bounded.
 */
import { open, readFile, rm, stat } from "node:fs/promises";
import { hostname } from "node:os";
import { CodeError } from "../core/errors.js";

export interface FileLockOptions {
  /** @default 120_000 */
  readonly waitMs?: number;
  /** A lock older than this is taken over (a writer never holds it that long). @default 600_000 */
  readonly staleMs?: number;
}

export async function withFileLock<T>(path: string, fn: () => Promise<T>, options: FileLockOptions = {}) {
  const deadline = Date.now() + (options.waitMs ?? 120_000);
  const staleMs = options.staleMs ?? 600_000;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, "wx", 0o600);
      await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname() }));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (await isStale(path, staleMs)) {
        await rm(path, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new CodeError("LOCKED", `the GitOps working copy is locked (${path})`, {
          hint: "another codeploy writes to the repository; if none runs, remove the lock file",
        });
      }
      await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** Math.min(attempt, 4), 500)));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}

async function isStale(path: string, staleMs: number): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(path, "utf8"), stat(path)]);
    if (Date.now() - info.mtimeMs > staleMs) return true;
    const owner = JSON.parse(text || "{}") as { pid?: unknown; host?: unknown };
    if (owner.host !== hostname() || typeof owner.pid !== "number") return false;
    try {
      process.kill(owner.pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "ESRCH";
    }
  } catch {
    // Vanished between open and read, or half-written: try again.
    return false;
  }
}
