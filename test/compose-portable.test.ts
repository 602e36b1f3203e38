/**
 * The rendered compose.yaml outside CODE's own docker provider (issue 18 item 6):
 * Debian's docker-compose 1.29 accepts every rendered example (`config -q`),
 * and podman-compose 1.0 runs one with two replicas per service on a real
 * podman (the harness's throwaway storage; podman-compose drives the podman
 * CLI, pointed at that storage with --podman-args), every replica answers over
 * HTTP on its published port, and `down` removes it all. The images are the
 * harness's local busybox ones (no registry is reachable).
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { renderDocker } from "../src/render/docker/index.js";
import {
  allEnginesSpec,
  knownAppsSpec,
  minimalSpec,
  richSpec,
} from "../src/render/kubernetes/__fixtures__/specs.js";
import type { RenderResult } from "../src/render/types.js";
import { validateSpec } from "../src/spec/validate.js";
import { startPodman, TEST_IMAGES } from "./helpers/podman.js";

const run = promisify(execFile);

function missingTools(): string | undefined {
  for (const tool of ["docker-compose", "podman-compose"])
    if (spawnSync(tool, ["version"]).status !== 0)
      return `${tool} is not installed (apt-get install ${tool})`;
  return undefined;
}

const missing = missingTools();
if (missing && process.env.CI) throw new Error(`${missing} (CI is set, so a missing tool fails the tests)`);
if (missing) console.warn(`skipping compose portability tests: ${missing}`);
const pm = missing ? undefined : await startPodman();

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  await pm?.stop();
}, 120_000);

/**
 * Writes the rendered files into a fresh folder, as `codeploy render -o` does, and the build folder
 * (./<service> with a Dockerfile) that an image-less service asks its user for.
 */
async function written(result: RenderResult): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "cdp-compose-"));
  dirs.push(dir);
  for (const f of result.files) await writeFile(join(dir, f.path), f.content, { mode: 0o600 });
  const services = (result.compose?.services ?? {}) as Record<string, { build?: { context?: string } }>;
  for (const s of Object.values(services)) {
    const context = s.build?.context;
    if (context === undefined) continue;
    await mkdir(join(dir, context), { recursive: true });
    await writeFile(join(dir, context, "Dockerfile"), "FROM scratch\n");
  }
  return dir;
}

function envValue(result: RenderResult, name: string): string {
  const line = result.files
    .find((f) => f.path === ".env")
    ?.content.split("\n")
    .find((l) => l.startsWith(`${name}=`));
  return line?.slice(name.length + 1) ?? "";
}

/** Two replicas of everything: two web services on their own ports, a worker, a redis stand-in. */
function twoReplicaSpec() {
  return validateSpec({
    name: "portable",
    environment: "dev",
    services: [
      {
        name: "web",
        image: TEST_IMAGES.v1,
        port: 8080,
        replicas: 2,
        healthCheck: { path: "/healthz" },
        dependsOn: ["cache"],
      },
      { name: "api", image: TEST_IMAGES.v2, port: 9090, replicas: 2, env: { PORT: "9090" } },
      { name: "worker", kind: "worker", image: TEST_IMAGES.v1, replicas: 2 },
    ],
    caches: [{ name: "cache", engine: "redis", image: TEST_IMAGES.redis }],
  });
}

async function answers(url: string, deadline: number): Promise<string> {
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return (await res.text()).trim();
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer in time`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface PsEntry {
  readonly Names: readonly string[];
  readonly State: string;
  readonly Labels: Readonly<Record<string, string>> | null;
  readonly Ports: readonly { host_ip: string; host_port: number; container_port: number }[] | null;
}

describe.skipIf(missing !== undefined)("docker-compose 1.29 accepts the rendered compose.yaml", () => {
  const specs = {
    rich: richSpec,
    minimal: minimalSpec,
    "all engines": allEnginesSpec,
    "known apps": knownAppsSpec,
    "with a prometheus service": () =>
      validateSpec({ ...richSpec(), monitoring: { enabled: true, prometheus: true } }),
  };
  it.each(Object.entries(specs))("%s spec: `docker-compose config` passes", async (_, make) => {
    const dir = await written(renderDocker(make()));
    const out = await run("docker-compose", ["config", "-q"], { cwd: dir });
    expect(out.stderr).not.toMatch(/invalid|ERROR/i);
    const services = (await run("docker-compose", ["config", "--services"], { cwd: dir })).stdout;
    expect(services.trim().split("\n").sort()).toEqual(
      Object.keys((renderDocker(make()).compose?.services ?? {}) as object).sort(),
    );
  });

  it("a document with a top-level name (what CODE wrote before) is refused: the check can fail", async () => {
    const dir = await written(renderDocker(minimalSpec()));
    await writeFile(join(dir, "compose.yaml"), "name: blog\nservices:\n  web:\n    image: a:1\n");
    await expect(run("docker-compose", ["config", "-q"], { cwd: dir })).rejects.toThrow(/name/);
  });
});

describe.skipIf(!pm)("podman-compose 1.0 runs it with two replicas per service", () => {
  it("up: every replica of every service runs and each web replica answers on its own port; down removes them", async () => {
    if (!pm) return;
    const result = renderDocker(twoReplicaSpec());
    const dir = await written(result);
    await run("docker-compose", ["config", "-q"], { cwd: dir });
    const project = envValue(result, "COMPOSE_PROJECT_NAME");
    expect(project).toMatch(/^portable-dev-[0-9a-f]{8}$/);
    const compose = (args: readonly string[]) =>
      run("podman-compose", ["--podman-args", pm.cli.globals.join(" "), "-p", project, ...args], {
        cwd: dir,
        env: pm.cli.env,
        maxBuffer: 16 << 20,
        timeout: 180_000,
      });
    const ps = async (): Promise<PsEntry[]> =>
      JSON.parse(
        await pm.podman([
          "ps",
          "--all",
          "--format",
          "json",
          "--filter",
          `label=io.podman.compose.project=${project}`,
        ]),
      );
    try {
      await compose(["-f", "compose.yaml", "up", "-d"]);
      const list = await ps();
      const byService = (name: string) =>
        list.filter((c) => c.Labels?.["com.docker.compose.service"] === name);
      for (const name of ["web", "api", "worker"]) {
        expect(byService(name).map((c) => c.State)).toEqual(["running", "running"]);
      }
      expect(byService("cache").map((c) => c.State)).toEqual(["running"]);
      const deadline = Date.now() + 30_000;
      for (const [name, port, body] of [
        ["web", 8080, "v1"],
        ["api", 9090, "v2"],
      ] as const) {
        const urls = byService(name).map((c) => {
          const bound = (c.Ports ?? []).find((p) => p.container_port === port);
          expect(bound?.host_ip).toBe("127.0.0.1");
          return `http://127.0.0.1:${bound?.host_port}/`;
        });
        expect(new Set(urls).size).toBe(2);
        expect(await Promise.all(urls.map((u) => answers(u, deadline)))).toEqual([body, body]);
      }
    } finally {
      await compose(["-f", "compose.yaml", "down"]);
    }
    expect(await ps()).toEqual([]);
  }, 300_000);
});
