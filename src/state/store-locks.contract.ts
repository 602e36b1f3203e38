import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { AbortedError, LockedError, LockHeldError } from "./errors.js";
import type { ContractContext } from "./store.contract.js";

const shop = { app: "shop", environment: "dev" } as const;

/** The pid of a process that has exited (its pid is free). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  return Number(child.stdout);
}

export function defineLockContract({ harness, clock }: ContractContext): void {
  describe("locks", () => {
    it("refuse a second holder with who holds it and since when", async () => {
      const { store, open } = harness();
      const other = await open();
      const lock = await store.acquireLock(shop, { actor: "ana", deploymentId: "d-1" });
      expect(lock).toMatchObject({ actor: "ana", pid: process.pid, host: hostname(), expired: false });
      expect(lock.expiresAt).toBe("2026-01-01T00:01:00.000Z");
      const refused = await other.acquireLock(shop, { actor: "bo" }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(LockedError);
      expect(refused).toMatchObject({
        code: "LOCKED",
        message: expect.stringContaining("locked by ana since 2026-01-01T00:00:00.000Z"),
        hint: expect.stringContaining("codeploy unlock shop --env dev"),
      });
      // Another app or environment is not affected.
      await expect(
        other.acquireLock({ ...shop, environment: "prod" }, { actor: "bo" }),
      ).resolves.toBeDefined();
      expect(await other.getLock(shop)).toMatchObject({ actor: "ana", deploymentId: "d-1", expired: false });
    });

    it("expire by lease: a new holder gets in and the old one learns it lost the lock", async () => {
      const { store } = harness();
      const old = await store.acquireLock(shop, { actor: "ana" }, { leaseMs: 10_000 });
      clock().advance(5_000);
      const renewed = await store.renewLock(old);
      expect(renewed.expiresAt).toBe("2026-01-01T00:00:15.000Z");
      clock().advance(9_999);
      await expect(store.acquireLock(shop, { actor: "bo" })).rejects.toBeInstanceOf(LockedError);
      clock().advance(1);
      const taken = await store.acquireLock(shop, { actor: "bo" });
      expect(taken.actor).toBe("bo");
      await expect(store.renewLock(old)).rejects.toMatchObject({ code: "LOCK_LOST" });
      expect(await store.releaseLock(old)).toBe(false);
      expect((await store.getLock(shop))?.actor).toBe("bo");
      expect(await store.releaseLock(taken)).toBe(true);
      expect(await store.getLock(shop)).toBeUndefined();
    });

    it("treat a holder process that no longer exists on this host as gone", async () => {
      const { store } = harness();
      await store.acquireLock(shop, { actor: "ana", pid: deadPid(), deploymentId: "d-2" });
      await store.startDeployment({ ...shop, revision: 1, action: "apply", actor: "ana", id: "d-2" });
      expect((await store.getDeployment("d-2"))?.state).toBe("interrupted");
      // A holder on another host is left to its lease.
      await store.acquireLock(
        { ...shop, environment: "qa" },
        { actor: "cy", pid: deadPid(), host: "elsewhere" },
      );
      await expect(store.acquireLock({ ...shop, environment: "qa" }, { actor: "bo" })).rejects.toBeInstanceOf(
        LockedError,
      );
      await expect(store.acquireLock(shop, { actor: "bo" })).resolves.toMatchObject({ actor: "bo" });
    });

    it("with wait, acquire once the holder releases", async () => {
      const { store, open } = harness();
      const other = await open();
      const first = await store.acquireLock(shop, { actor: "ana" });
      let settled = false;
      const waiting = other.acquireLock(shop, { actor: "bo" }, { wait: true }).finally(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect(settled).toBe(false);
      await store.releaseLock(first);
      await expect(waiting).resolves.toMatchObject({ actor: "bo" });
    });

    it("with wait, give up after waitTimeoutMs or when aborted", async () => {
      const { store } = harness();
      await store.acquireLock(shop, { actor: "ana" });
      const timedOut = await store
        .acquireLock(shop, { actor: "bo" }, { wait: true, waitTimeoutMs: 80 })
        .catch((e: unknown) => e);
      expect(timedOut).toBeInstanceOf(LockedError);
      expect(timedOut).toMatchObject({ message: expect.stringContaining("gave up waiting") });
      const controller = new AbortController();
      const aborted = store.acquireLock(shop, { actor: "bo" }, { wait: true, signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await expect(aborted).rejects.toBeInstanceOf(AbortedError);
    });

    it("are freed by unlock only when the holder is gone, or with force whoever holds them", async () => {
      const { store } = harness();
      const held = await store.acquireLock(shop, { actor: "ana", host: "elsewhere", pid: 7 });
      // Another host's holder with a fresh lease counts as alive: refused, naming it.
      const refused = await store.unlock(shop).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(LockHeldError);
      expect(String((refused as Error).message)).toMatch(
        /held by ana \(pid 7 on elsewhere\), which is still running/,
      );
      expect(await store.getLock(shop)).toMatchObject({ actor: "ana" });
      expect(await store.unlock(shop, { force: true })).toMatchObject({
        freed: true,
        lock: { actor: "ana" },
      });
      expect(await store.unlock(shop, { force: true })).toEqual({ freed: false });
      await expect(store.renewLock(held)).rejects.toMatchObject({ code: "LOCK_LOST" });
      await expect(store.acquireLock(shop, { actor: "bo" })).resolves.toMatchObject({ actor: "bo" });
    });

    it("are freed without force once the lease ended or the pid on this host is gone", async () => {
      const { store } = harness();
      await store.acquireLock(shop, { actor: "ana", host: "elsewhere", pid: 7 }, { leaseMs: 1000 });
      clock().advance(1001);
      expect(await store.unlock(shop)).toMatchObject({ freed: true, lock: { actor: "ana", expired: true } });
      // A pid that cannot exist on this host: dead at once, whatever its lease says.
      await store.acquireLock(shop, { actor: "bo", host: hostname(), pid: deadPid() });
      expect(await store.unlock(shop)).toMatchObject({ freed: true, lock: { actor: "bo" } });
    });
  });
}
