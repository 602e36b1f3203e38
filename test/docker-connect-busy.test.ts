/**
 * A busy engine: a unix-socket proxy in front of a real podman service holds
 * the first connections without answering (as an engine under load does), so
 * the connection check must retry with backoff within its deadline instead
 * of failing the deployment; with a deadline too short, the failure says the
 * engine was busy and is retryable.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connectDocker } from "../src/providers/docker/connect.js";
import { createDockerProvider } from "../src/providers/docker/index.js";
import { startPodman } from "./helpers/podman.js";

const pm = await startPodman();
const dir = mkdtempSync(join(tmpdir(), "cdp-busy-"));
const held: Socket[] = [];
afterAll(async () => {
  for (const s of held) s.destroy();
  rmSync(dir, { recursive: true, force: true });
  await pm?.stop();
});

/** Holds the first `busy` connections unanswered; pipes the others to the engine. */
async function busyProxy(
  name: string,
  busy: number,
): Promise<{ path: string; seen: () => number; server: Server }> {
  const path = join(dir, `${name}.sock`);
  let count = 0;
  const server = createServer((client) => {
    count++;
    if (count <= busy) {
      held.push(client);
      client.on("error", () => {});
      return;
    }
    const upstream = connect(pm?.socketPath ?? "");
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { path, seen: () => count, server };
}

describe.skipIf(!pm)("connecting to a busy engine (real podman behind a delaying proxy)", () => {
  it("retries with backoff within connectTimeoutMs and connects once the engine answers", async () => {
    const proxy = await busyProxy("slow", 3);
    try {
      const started = Date.now();
      const connection = await connectDocker({
        socketPath: proxy.path,
        timeoutMs: 2000,
        connectTimeoutMs: 40_000,
      });
      expect(connection.engine).toMatch(/Podman Engine/);
      expect(proxy.seen()).toBeGreaterThanOrEqual(4);
      console.log(`connected after ${proxy.seen() - 1} unanswered attempts in ${Date.now() - started} ms`);
      // The provider's preflight goes through the same check.
      const provider = createDockerProvider({
        socketPath: proxy.path,
        timeoutMs: 2000,
        connectTimeoutMs: 40_000,
      });
      await expect(provider.preflight?.(new AbortController().signal)).resolves.not.toThrow();
    } finally {
      proxy.server.close();
    }
  }, 120_000);

  it("gives up at the deadline with a retryable DOCKER_UNREACHABLE that says the engine was busy", async () => {
    const proxy = await busyProxy("stuck", 1000);
    try {
      const started = Date.now();
      const error = await connectDocker({
        socketPath: proxy.path,
        timeoutMs: 300,
        connectTimeoutMs: 1500,
      }).catch((e: unknown) => e);
      const took = Date.now() - started;
      expect(error).toMatchObject({ code: "DOCKER_UNREACHABLE", retryable: true });
      expect((error as { hint?: string }).hint).toMatch(/connectTimeoutSeconds/);
      expect(proxy.seen()).toBeGreaterThanOrEqual(2);
      expect(took).toBeLessThan(10_000);
    } finally {
      proxy.server.close();
    }
  }, 30_000);
});
