/**
 * CODE as a container image, built here with podman and no registry
 * (deploy/container: a base imported from this machine's Debian files, a
 * multi-stage Containerfile), run the way a team would: non-root, read-only
 * root filesystem, state in a volume. `codeploy serve` in it answers /readyz,
 * its HEALTHCHECK passes, and a key made inside it opens the API.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPodman } from "./helpers/podman.js";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "..");
const pm = await startPodman();

async function waitFor<T>(probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`not ready within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.skipIf(!pm)("the CODE image (Containerfile, podman, no registry)", () => {
  let ctx = "";
  let port = 0;
  const name = "codeploy-image-test";

  beforeAll(async () => {
    if (!pm) return;
    ctx = await mkdtemp(join(tmpdir(), "cdp-image-"));
    await run("bash", [join(root, "deploy/container/stage.sh"), ctx], { maxBuffer: 16 << 20 });
    await pm.podman(["import", "--quiet", join(ctx, "base.tar"), "localhost/codeploy-base:test"]);
    await pm.podman([
      "build",
      "--quiet",
      "--format",
      "docker",
      "--build-arg",
      "BASE=localhost/codeploy-base:test",
      "-t",
      "localhost/codeploy:test",
      "-f",
      join(ctx, "Containerfile"),
      ctx,
    ]);
    await pm.podman([
      "run",
      "-d",
      "--name",
      name,
      "--read-only",
      "-v",
      "codeploy-image-data:/data",
      "-p",
      "127.0.0.1::8080",
      "localhost/codeploy:test",
    ]);
    const mapped = (await pm.podman(["port", name, "8080/tcp"])).trim();
    port = Number(mapped.split(":").at(-1));
  }, 600_000);

  afterAll(async () => {
    await pm?.podman(["rm", "-f", name]).catch(() => undefined);
    if (ctx) await rm(ctx, { recursive: true, force: true });
  });

  it("serves /readyz from a read-only root filesystem as a non-root user", async () => {
    const status = await waitFor(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      return res.ok ? res.status : undefined;
    }, 30_000);
    expect(status).toBe(200);
    const config = JSON.parse((await pm?.podman(["inspect", name])) ?? "[]") as {
      Config: { User: string; Healthcheck?: { Test: string[] } };
      HostConfig: { ReadonlyRootfs: boolean };
    }[];
    expect(config[0]?.Config.User).toBe("10001:10001");
    expect(config[0]?.HostConfig.ReadonlyRootfs).toBe(true);
    expect(config[0]?.Config.Healthcheck?.Test.join(" ")).toContain("/readyz");
    const uid = await pm?.podman(["exec", name, "/usr/local/bin/node", "-p", "process.getuid()"]);
    expect(uid?.trim()).toBe("10001");
    // The image's own HEALTHCHECK, run by the engine.
    await expect(pm?.podman(["healthcheck", "run", name])).resolves.toBeDefined();
    // Writing outside /data and /tmp fails: the root filesystem is read-only.
    const write = await pm
      ?.podman(["exec", name, "/usr/local/bin/node", "-e", "require('fs').writeFileSync('/app/x','x')"])
      .catch((e: unknown) => e);
    expect(String(write)).toMatch(/EROFS|read-only/);
  }, 60_000);

  it("keeps its state in the volume: a key made in the container opens the API", async () => {
    const out = await pm?.podman([
      "exec",
      name,
      "/usr/local/bin/node",
      "/app/bin/codeploy.cjs",
      "keys",
      "create",
      "--name",
      "ops",
      "--role",
      "admin",
      "--json",
    ]);
    const { key } = JSON.parse(out ?? "{}") as { key: string };
    expect(key).toMatch(/\S{20,}/);
    const denied = await fetch(`http://127.0.0.1:${port}/v1/apps`);
    expect(denied.status).toBe(401);
    const apps = await fetch(`http://127.0.0.1:${port}/v1/apps`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(apps.status).toBe(200);
  }, 60_000);
});
