/**
 * The apply lock between real processes (the CLI run through tsx, the null
 * provider made slow by codeploy.yaml):
 * - an apply that meets a held lock fails fast with LOCKED naming the holder;
 *   with --wait it waits and then plans against what the holder left, so an
 *   older spec applied during another apply is applied, not "Nothing to change";
 * - unlock refuses while the holder runs (exit 1, naming it), --force frees it,
 *   and the holder stops starting steps, records lock-lost and exits 1.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { main } from "../src/cli/main.js";
import { captureIo } from "../src/cli/test-io.js";
import { openStateStore } from "../src/state/index.js";
import type { LockInfo, StateStore } from "../src/state/types.js";

const root = resolve(import.meta.dirname, "..");
const work = mkdtempSync(join(tmpdir(), "codeploy-locks-"));
const home = join(work, "home");
const children: ChildProcess[] = [];
let store: StateStore;

const spec = (image: string) => ({
  name: "shop",
  environment: "staging",
  services: Array.from({ length: 6 }, (_, i) => ({
    name: `svc-${i}`,
    image: `acme/svc:${image}`,
    port: 8080,
    healthCheck: { path: "/" },
    resources: { cpu: "100m", memory: "64Mi" },
  })),
});
writeFileSync(join(work, "v1.yaml"), stringify(spec("1")));
writeFileSync(join(work, "v2.yaml"), stringify(spec("2")));
writeFileSync(join(work, "v3.yaml"), stringify(spec("3")));
writeFileSync(join(work, "codeploy.yaml"), stringify({ providers: { null: { delayMs: 400 } } }));
// Slow enough (6 x 1.5 s) that a second CLI process starts while it still holds the lock.
writeFileSync(join(work, "slow.yaml"), stringify({ providers: { null: { delayMs: 1500 } } }));

beforeAll(async () => {
  store = await openStateStore({ home });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  await store?.close();
});

interface Child {
  readonly process: ChildProcess;
  readonly done: Promise<{ code: number | null; out: string; err: string }>;
}

/** `codeploy ...args` as its own process, as `actor`. */
function cli(actor: string, args: string[]): Child {
  const child = spawn(
    process.execPath,
    [
      "--import",
      pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href,
      join(root, "test/helpers/cli-entry.ts"),
      ...args,
    ],
    {
      cwd: work,
      env: { ...process.env, CODEPLOY_HOME: home, CODEPLOY_ACTOR: actor },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(child);
  let out = "";
  let err = "";
  child.stdout?.on("data", (d) => {
    out += String(d);
  });
  child.stderr?.on("data", (d) => {
    err += String(d);
  });
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolveDone) =>
    child.once("exit", (code) => resolveDone({ code, out, err })),
  );
  return { process: child, done };
}

async function here(actor: string, args: string[]) {
  const io = captureIo({ cwd: work, env: { CODEPLOY_HOME: home, CODEPLOY_ACTOR: actor } });
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

async function lockHeldBy(actor: string, child: Child): Promise<LockInfo> {
  // Bounded: 600 polls of 50 ms.
  for (let i = 0; i < 600; i++) {
    const lock = await store.getLock({ app: "shop", environment: "staging" });
    if (lock?.actor === actor && !lock.expired) return lock;
    if (child.process.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const ended = await Promise.race([child.done, Promise.resolve(undefined)]);
  throw new Error(`${actor} never held the lock; child: ${JSON.stringify(ended)}`);
}

async function runningImage(): Promise<string | undefined> {
  const [status] = await store.status({ app: "shop", environment: "staging" });
  if (status?.currentRevision === undefined) return undefined;
  const revision = await store.getRevision({ app: "shop", environment: "staging" }, status.currentRevision);
  const s = revision?.spec as { services: { image: string }[] } | undefined;
  return s?.services[0]?.image;
}

const applyArgs = (file: string, ...more: string[]) => [
  "apply",
  file,
  "--yes",
  "--provider",
  "null",
  ...more,
];

describe("the apply lock between two processes", () => {
  it("fails fast naming the holder, and with --wait plans again against what the holder left", async () => {
    expect((await here("setup", applyArgs("v1.yaml"))).code).toBe(0);
    expect(await runningImage()).toBe("acme/svc:1");

    const a = cli("alice", applyArgs("v2.yaml", "--parallelism", "1", "--config", "slow.yaml"));
    const lock = await lockHeldBy("alice", a);
    expect(lock.pid).toBe(a.process.pid);

    // v1 is what runs now: a plan made before waiting would say "Nothing to change".
    const fast = await here("bob", applyArgs("v1.yaml"));
    expect(fast.code).toBe(1);
    expect(fast.err).toMatch(/shop\/staging is locked by alice since/);
    expect(fast.err).toContain(`pid ${a.process.pid}`);
    expect(fast.out).not.toContain("Nothing to change");

    const b = cli("bob", applyArgs("v1.yaml", "--wait"));
    const [first, second] = await Promise.all([a.done, b.done]);
    expect(first.code, first.err).toBe(0);
    expect(second.err).toMatch(/waiting: shop\/staging is locked by alice/);
    expect(second.code, second.err).toBe(0);
    expect(second.out).not.toContain("Nothing to change");
    expect(second.out).toMatch(/shop\/staging: succeeded/);
    // bob's older spec was applied after alice's, not lost.
    expect(await runningImage()).toBe("acme/svc:1");
  }, 90_000);

  it("refuses unlock while the holder runs; --force frees it and the holder stops with lock-lost", async () => {
    const a = cli("alice", applyArgs("v3.yaml", "--parallelism", "1", "--config", "slow.yaml"));
    const lock = await lockHeldBy("alice", a);

    const refused = await here("bob", ["unlock", "shop", "--env", "staging"]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`shop/staging is held by alice (pid ${a.process.pid} on`);
    expect(await store.getLock({ app: "shop", environment: "staging" })).toMatchObject({ actor: "alice" });

    const forced = await here("bob", ["unlock", "shop", "--env", "staging", "--force"]);
    expect(forced.code).toBe(0);
    expect(forced.out).toContain("unlocked shop/staging (was held by alice");

    const ended = await a.done;
    expect(ended.code).toBe(1);
    expect(ended.out).toContain("lock lost");
    const deployment = await store.getDeployment(lock.deploymentId ?? "");
    expect(deployment?.outcome).toBe("failed");
    expect(deployment?.error).toMatch(/^lock-lost:/);
    const events = await store.listEvents(lock.deploymentId ?? "");
    const lostAt = events.findIndex((e) => e.type === "lock-lost");
    expect(lostAt).toBeGreaterThan(-1);
    // No step starts after the loss is recorded (one already running may finish).
    expect(events.slice(lostAt).filter((e) => e.type === "step-started")).toEqual([]);
    const audit = await store.listAudit({ newestFirst: true, limit: 3 });
    expect(audit.map((r) => [r.actor, r.command, r.outcome])).toEqual([
      ["alice", "apply", "failed"],
      ["bob", "unlock", "ok"],
      ["bob", "unlock", "refused"],
    ]);
    expect(audit[0]?.details).toMatchObject({ reason: "lock-lost" });
    expect(audit[1]?.details).toMatchObject({ force: true, holder: { actor: "alice", pid: a.process.pid } });
  }, 90_000);
});
