/**
 * A team installation on loopback for tests and the scale bench: a throwaway
 * Postgres and Redis, N `codeploy serve --role api` and M `codeploy worker`
 * processes (bin/codeploy.cjs, so dist/ must be built) on one database, the
 * null provider with a step delay, and an admin API key.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openStateStore } from "../../src/state/store.js";
import type { StateStore } from "../../src/state/types.js";
import { type PostgresServer, startPostgres } from "./postgres.js";
import { type RedisServer, startRedis } from "./redis.js";

const BIN = resolve(import.meta.dirname, "../../bin/codeploy.cjs");

export interface TeamProcess {
  readonly role: "api" | "worker";
  readonly child: ChildProcess;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** The worker's name in the job rows (workers only). */
  readonly name: string;
  output(): string;
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
}

export interface TeamOptions {
  readonly apis: number;
  readonly workers: number;
  /** Null provider delay per step. */
  readonly delayMs: number;
  /** Job lease (and lock lease) in seconds. @default 2 */
  readonly leaseSeconds?: number;
  /** Deployments one worker runs at once. @default 4 */
  readonly concurrency?: number;
}

export interface Team {
  readonly url: string;
  readonly store: StateStore;
  readonly token: string;
  readonly apis: TeamProcess[];
  readonly workers: TeamProcess[];
  startWorker(): Promise<TeamProcess>;
  stop(): Promise<void>;
}

/** Undefined when Postgres or Redis cannot run here (the helpers printed why; under CI they throw). */
export async function startTeam(options: TeamOptions): Promise<Team | undefined> {
  const postgres: PostgresServer | undefined = await startPostgres();
  const redis: RedisServer | undefined = postgres ? await startRedis() : undefined;
  if (postgres === undefined || redis === undefined) {
    await postgres?.stop();
    return undefined;
  }
  const url = await postgres.createDatabase();
  const home = await mkdtemp(join(tmpdir(), "codeploy-team-"));
  const config = join(home, "codeploy.yaml");
  await writeFile(
    config,
    [
      "providers:",
      `  "null": { delayMs: ${options.delayMs} }`,
      "server:",
      "  planWorkers: 0",
      "  shutdownGraceSeconds: 5",
      "  rateLimit: { requestsPerMinute: 1000000, burst: 1000000 }",
      "  queue:",
      `    leaseSeconds: ${options.leaseSeconds ?? 2}`,
      `    concurrency: ${options.concurrency ?? 4}`,
      "    pollMs: 50",
      "",
    ].join("\n"),
  );
  const env = {
    ...process.env,
    DATABASE_URL: url,
    REDIS_URL: redis.url,
    CODEPLOY_HOME: home,
    CODEPLOY_AUDIT_KEY: randomBytes(24).toString("hex"),
    NO_COLOR: "1",
  };
  const store = await openStateStore({ url });
  const { token } = await store.apiKeys.create({ name: "team-test", role: "admin", createdBy: "test" });
  const all: TeamProcess[] = [];
  const start = async (role: "api" | "worker"): Promise<TeamProcess> => {
    const args =
      role === "api"
        ? ["--config", config, "serve", "--role", "api", "--provider", "null", "--port", "0"]
        : ["--config", config, "worker", "--provider", "null", "--host", "127.0.0.1", "--port", "0"];
    const p = await spawnTeamProcess(role, args, env);
    all.push(p);
    return p;
  };
  const apis = await Promise.all(Array.from({ length: options.apis }, () => start("api")));
  const workers = await Promise.all(Array.from({ length: options.workers }, () => start("worker")));
  return {
    url,
    store,
    token,
    apis,
    workers,
    startWorker: () => start("worker"),
    async stop() {
      for (const p of all)
        if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGTERM");
      await Promise.all(all.map((p) => Promise.race([p.exited, delay(15_000)])));
      for (const p of all)
        if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
      await store.close();
      await redis.stop();
      await postgres.stop();
      await rm(home, { recursive: true, force: true });
    },
  };
}

const LISTENING = /(?:listening on|metrics on) (http:\/\/127\.0\.0\.1:\d+)/;
const WORKER_NAME = /codeploy worker (\S+):/;

function spawnTeamProcess(
  role: "api" | "worker",
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<TeamProcess> {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${role} did not start in 30 s:\n${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const url = LISTENING.exec(out)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      resolve({
        role,
        child,
        url,
        name: WORKER_NAME.exec(out)?.[1] ?? "",
        output: () => out,
        exited,
      });
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${role} exited (${code}) before listening:\n${out}`));
    });
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
