/**
 * Several OS processes on one SQLite file, as when `codeploy status` runs in one
 * terminal while `codeploy apply` runs in another, or two applies race.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { loadAuditKeyring } from "./audit-key.js";
import { openStateStore } from "./store.js";

const script = fileURLToPath(new URL("./__fixtures__/state-child.ts", import.meta.url));
const raceResults = z.array(z.object({ won: z.boolean(), message: z.string().optional() }));
const children: ChildProcessWithoutNullStreams[] = [];
const homes: string[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  await Promise.all(homes.splice(0).map((h) => rm(h, { recursive: true, force: true })));
});

async function tempHome(): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), "codeploy-procs-"));
  homes.push(home);
  return home;
}

/** Starts the child script; `next()` resolves with its next stdout line, parsed as JSON. */
function startChild(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { stdio: "pipe" });
  children.push(child);
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const queue: unknown[] = [];
  const waiters: ((value: unknown) => void)[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    const value: unknown = JSON.parse(line);
    const waiter = waiters.shift();
    if (waiter) waiter(value);
    else queue.push(value);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const next = (): Promise<unknown> =>
    queue.length > 0
      ? Promise.resolve(queue.shift())
      : Promise.race([
          new Promise<unknown>((resolve) => waiters.push(resolve)),
          exited.then((code) => {
            throw new Error(`child exited (${code}) before answering:\n${stderr}`);
          }),
        ]);
  return { child, next, exited };
}

describe("several processes on one SQLite file", () => {
  it("let exactly one of two racing processes take the lock, and keep one audit chain", async () => {
    const home = await tempHome();
    await (await openStateStore({ home })).close(); // create and migrate first, as `codeploy init` would
    const racers = [startChild(["race", home, "ana", "25"]), startChild(["race", home, "bo", "25"])];
    expect(await Promise.all(racers.map((r) => r.next()))).toEqual(["ready", "ready"]);
    for (const racer of racers) racer.child.stdin.write("go\n");
    const results = raceResults.parse(await Promise.all(racers.map((r) => r.next())));
    expect(results.filter((r) => r.won)).toHaveLength(1);
    const winner = results[0]?.won ? "ana" : "bo";
    const loser = results.find((r) => !r.won);
    expect(loser?.message).toMatch(new RegExp(`locked by ${winner} since \\d{4}-\\d\\d-\\d\\dT`));
    expect(await Promise.all(racers.map((r) => r.next()))).toEqual(["audited", "audited"]);
    const store = await openStateStore({ home, audit: loadAuditKeyring(home, {}) });
    // One keyed chain, and the anchor both processes moved under the write lock ends at its head.
    await expect(store.verifyAudit()).resolves.toMatchObject({
      ok: true,
      count: 50,
      legacy: 0,
      anchored: true,
      head: { seq: 50 },
    });
    expect((await store.getLock({ app: "shop", environment: "dev" }))?.actor).toBe(winner);
    await store.close();
    for (const racer of racers) racer.child.stdin.end();
    expect(await Promise.all(racers.map((r) => r.exited))).toEqual([0, 0]);
  });

  it("lose no acknowledged event to kill -9, and report the deployment as interrupted", async () => {
    const home = await tempHome();
    const writer = startChild(["crash", home, "ana"]);
    let acknowledged = 0;
    while (acknowledged < 200) acknowledged = Number(await writer.next());
    // A reader in another process meanwhile sees the deployment running.
    const store = await openStateStore({ home });
    expect((await store.getDeployment("crash-1"))?.state).toBe("running");
    writer.child.kill("SIGKILL");
    await writer.exited;
    const events = await store.listEvents("crash-1");
    expect(events.length).toBeGreaterThanOrEqual(acknowledged);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const [status] = await store.status({ app: "shop", environment: "dev" });
    expect(status?.lastDeployment).toMatchObject({ id: "crash-1", state: "interrupted" });
    await expect(
      store.acquireLock({ app: "shop", environment: "dev" }, { actor: "bo" }),
    ).resolves.toBeDefined();
    await store.close();
  });
});
