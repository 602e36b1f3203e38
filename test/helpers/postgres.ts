/**
 * A throwaway Postgres server for integration tests: initdb in a temp dir, one
 * postmaster listening on a private Unix socket only (no TCP port to collide
 * with), fsync off for speed, removed again by `stop()`.
 *
 * Postgres refuses to run as root, so when the tests run as root the server
 * runs as the `postgres` user (or `nobody`) through spawn's uid/gid options.
 * When the binaries are missing it returns undefined (the caller skips, with
 * the printed reason), except under CI, where a missing server is a failure.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chown, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

export interface PostgresServer {
  /** Connection URL of the `postgres` database (superuser `codeploy`, trust auth, Unix socket). */
  readonly url: string;
  /** Creates an empty database and returns its URL: one per test keeps tests independent. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Folder holding initdb and postgres. @default $PG_BIN_DIR, else the newest /usr/lib/postgresql/<v>/bin, else PATH */
  readonly binDir?: string;
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer | undefined> {
  const binDir = options.binDir === undefined ? findBinDir() : [options.binDir].find(hasBinaries);
  if (binDir === undefined) {
    const where = options.binDir ?? "PG_BIN_DIR, /usr/lib/postgresql/<version>/bin, PATH";
    const reason = `Postgres binaries (initdb, postgres) not found in ${where}; set PG_BIN_DIR`;
    if (process.env.CI) throw new Error(`${reason} (CI is set, so a missing server fails the tests)`);
    console.warn(`skipping Postgres tests: ${reason}`);
    return undefined;
  }
  const owner = serverOwner();
  const base = await mkdtemp(join(tmpdir(), "codeploy-pg-"));
  const dataDir = join(base, "data");
  const socketDir = join(base, "sock");
  await mkdir(socketDir);
  if (owner) {
    await chown(base, owner.uid, owner.gid);
    await chown(socketDir, owner.uid, owner.gid);
  }
  const ids = owner ? { uid: owner.uid, gid: owner.gid } : {};
  await run(
    join(binDir, "initdb"),
    ["-D", dataDir, "-U", "codeploy", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
    { ...ids, cwd: base },
  );
  const port = 20_000 + Math.floor(Math.random() * 40_000);
  const child = spawn(
    join(binDir, "postgres"),
    ["-D", dataDir, "-k", socketDir, "-p", String(port), "-c", "listen_addresses=", "-c", "fsync=off"],
    { ...ids, cwd: base, stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log += chunk.toString();
  });
  // If the test process ends without stop(), do not leave a postmaster behind.
  const onExit = (): void => {
    child.kill("SIGQUIT");
  };
  process.once("exit", onExit);
  const url = `postgres://codeploy@localhost:${port}/postgres?host=${encodeURIComponent(socketDir)}`;
  const stop = async (): Promise<void> => {
    process.removeListener("exit", onExit);
    await stopChild(child);
    await rm(base, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  let counter = 0;
  const createDatabase = async (): Promise<string> => {
    counter += 1;
    const name = `test_${process.pid}_${counter}`;
    await withClient(url, (client) => client.query(`CREATE DATABASE ${name}`));
    return url.replace("/postgres?", `/${name}?`);
  };
  return { url, createDatabase, stop };
}

function findBinDir(): string | undefined {
  const candidates: string[] = [];
  if (process.env.PG_BIN_DIR) candidates.push(process.env.PG_BIN_DIR);
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(root, v, "bin")));
  }
  const fromPath = (process.env.PATH ?? "").split(":").filter((d) => d.length > 0);
  candidates.push(...fromPath);
  return candidates.find(hasBinaries);
}

function hasBinaries(dir: string): boolean {
  return existsSync(join(dir, "initdb")) && existsSync(join(dir, "postgres"));
}

/** The unprivileged account to run the server as, or undefined when we are not root. */
function serverOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ["postgres", "nobody"]) {
    try {
      const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8" }).trim());
      const gid = Number(execFileSync("id", ["-g", name], { encoding: "utf8" }).trim());
      return { uid, gid };
    } catch {
      // no such user: try the next one
    }
  }
  throw new Error("running as root and found neither a `postgres` nor a `nobody` user to run Postgres as");
}

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited during start:\n${log()}`);
    try {
      await withClient(url, (client) => client.query("SELECT 1"));
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`postgres did not accept connections in 30 s:\n${log()}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Fast shutdown (SIGINT), then immediate (SIGQUIT) if it takes more than 10 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGINT");
  const timer = setTimeout(() => child.kill("SIGQUIT"), 10_000);
  await exited;
  clearTimeout(timer);
}
