/**
 * A throwaway Redis server for integration tests: `redis-server` on a free
 * port of 127.0.0.1, no persistence, stopped by `stop()`. Returns undefined
 * (the caller skips with the printed reason) when the binary is missing,
 * except under CI, where a missing server fails the tests.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  stop(): Promise<void>;
}

export async function startRedis(options: { binary?: string } = {}): Promise<RedisServer | undefined> {
  const binary = options.binary ?? "redis-server";
  if (spawnSync(binary, ["--version"]).error !== undefined) {
    const reason = `${binary} not found (apt-get install redis-server)`;
    if (process.env.CI) throw new Error(`${reason} (CI is set, so a missing server fails the tests)`);
    console.warn(`skipping Redis tests: ${reason}`);
    return undefined;
  }
  const port = await freePort();
  const child = spawn(
    binary,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--protected-mode",
      "yes",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const onExit = (): void => {
    child.kill("SIGKILL");
  };
  process.once("exit", onExit);
  await waitReady(child, port);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      process.removeListener("exit", onExit);
      await stopChild(child);
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function waitReady(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => reject(new Error(`redis-server did not start in 10 s:\n${log}`)), 10_000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}) before accepting connections on ${port}:\n${log}`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}
