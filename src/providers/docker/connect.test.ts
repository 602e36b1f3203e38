import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connectDocker, dockerCandidates, parseDockerHost } from "./connect.js";
import { createDockerProvider } from "./index.js";

const dir = mkdtempSync(join(tmpdir(), "cdp-connect-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("dockerCandidates", () => {
  it("tries Docker's socket, then rootless and rootful podman", () => {
    const labels = dockerCandidates({ xdgRuntimeDir: "/run/user/1000" }).map((c) => c.label);
    expect(labels).toEqual([
      "/var/run/docker.sock",
      "/run/user/1000/podman/podman.sock",
      "/run/podman/podman.sock",
      "/run/user/1000/docker.sock",
    ]);
  });

  it("uses DOCKER_HOST alone when it is set, as the docker CLI does", () => {
    expect(dockerCandidates({ host: "unix:///tmp/x.sock" })).toEqual([
      { label: "DOCKER_HOST=unix:///tmp/x.sock", options: { socketPath: "/tmp/x.sock" } },
    ]);
  });

  it("reads the DOCKER_HOST forms", () => {
    expect(parseDockerHost("tcp://10.0.0.5:2375")).toEqual({
      protocol: "http",
      host: "10.0.0.5",
      port: "2375",
    });
    expect(parseDockerHost("https://docker.example.com")).toMatchObject({ protocol: "https", port: "2376" });
    expect(() => parseDockerHost("ssh://me@host")).toThrow(/not a form codeploy can use/);
  });
});

describe("connectDocker when no engine answers", () => {
  it("names every place it tried and why, and how to start an engine", async () => {
    const missing = join(dir, "missing.sock");
    const error = await connectDocker({ socketPath: missing }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "DOCKER_UNREACHABLE", retryable: false });
    expect(String((error as Error).message)).toBe(
      `no Docker Engine API answered; tried: ${missing} (no such socket)`,
    );
    expect((error as { hint?: string }).hint).toMatch(/podman system service/);
  });

  it("fails the provider's preflight (and every step) with the same error", async () => {
    const missing = join(dir, "absent.sock");
    const provider = createDockerProvider({ socketPath: missing });
    await expect(provider.preflight?.(new AbortController().signal)).rejects.toMatchObject({
      code: "DOCKER_UNREACHABLE",
      message: `no Docker Engine API answered; tried: ${missing} (no such socket)`,
    });
  });

  it("does not take an HTTP server that is not a Docker engine for one", async () => {
    const socket = join(dir, "not-docker.sock");
    const server = createHttpServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("hello, I am not an engine");
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      const error = await connectDocker({ host: `unix://${socket}`, timeoutMs: 2000 }).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: "DOCKER_UNREACHABLE" });
      expect(String((error as Error).message)).toContain(
        `DOCKER_HOST=unix://${socket} (answered, but not as a Docker Engine API)`,
      );
    } finally {
      server.close();
    }
  });
});
