import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import type { deploy } from "../src/engine/deploy.js";
import { endpointsOf } from "../src/providers/docker/index.js";
import type { DeploymentSpec } from "../src/spec/schema.js";
import { validateSpec } from "../src/spec/validate.js";
import { dockerEngines } from "./helpers/docker-engine.js";
import { startPodman, TEST_IMAGES } from "./helpers/podman.js";

const pm = await startPodman();
const engines = dockerEngines(pm, "ports-test-seed");
afterAll(async () => {
  await engines.close();
  await pm?.stop();
}, 120_000);

async function harness() {
  const engine = await engines.harness({ healthTimeoutMs: 20_000 });
  return {
    ...engine,
    apply: (spec: DeploymentSpec) => engine.apply(spec),
    /** What `status` shows: the provider's endpoints of what runs. */
    status: async (app: string) =>
      endpointsOf(
        await engine.provider.observe({ app, environment: "dev", signal: AbortSignal.timeout(10_000) }),
      ),
  };
}

/** Free ports on 127.0.0.1 at the time of asking (each held until all are known, so they differ). */
async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  for (let i = 0; i < count; i++) servers.push(await listen(0));
  const ports = servers.map(portOf);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** The first of `count` ports in a row that are free now (bounded tries). */
async function freeRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const [start = 0] = await freePorts(1);
    const held: Server[] = [];
    try {
      for (let i = 1; i < count; i++) held.push(await listen(start + i));
      return start;
    } catch {
      // one of the next ports is taken: try another start
    } finally {
      await Promise.all(held.map((s) => new Promise((resolve) => s.close(resolve))));
    }
  }
  throw new Error(`no ${count} free ports in a row on 127.0.0.1`);
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

function portOf(server: Server): number {
  const a = server.address();
  return typeof a === "object" && a ? a.port : 0;
}

async function texts(urls: readonly string[]): Promise<string[]> {
  return Promise.all(urls.map(async (u) => (await (await fetch(u)).text()).trim()));
}

/** A web service on container port `port` (the test images listen on $PORT). */
function webSpec(app: string, port: number, web: Record<string, unknown> = {}): DeploymentSpec {
  return validateSpec({
    name: app,
    environment: "dev",
    services: [
      {
        name: "web",
        image: TEST_IMAGES.v1,
        port,
        replicas: 2,
        healthCheck: { path: "/" },
        env: { PORT: String(port) },
        ...web,
      },
    ],
  });
}

const endpointsOfRun = (out: Awaited<ReturnType<typeof deploy>>) =>
  Object.values(out.result.steps.get("service:web")?.outputs ?? {}).sort();

describe.skipIf(!pm)("docker provider host ports on a real podman service", () => {
  it("keeps the host ports it chose first across an image and env update, and status reports them", async () => {
    const h = await harness();
    const [port = 0] = await freePorts(1);
    const first = await h.apply(webSpec("keep", port));
    expect(first.deployment.outcome).toBe("succeeded");
    const urls = endpointsOfRun(first);
    expect(urls).toHaveLength(2);
    const second = await h.apply(
      webSpec("keep", port, { image: TEST_IMAGES.v2, env: { PORT: String(port), MODE: "b" } }),
    );
    expect(second.deployment.outcome).toBe("succeeded");
    expect(endpointsOfRun(second)).toEqual(urls);
    expect(await texts(urls)).toEqual(["v2", "v2"]);
    expect([...((await h.status("keep")).web ?? [])].sort()).toEqual(urls);
  }, 120_000);

  it("publishes on the spec's hostPort (replica i on hostPort+i) and stays there across an update", async () => {
    const h = await harness();
    const [port = 0] = await freePorts(1);
    const fixed = await freeRange(2);
    const first = await h.apply(webSpec("fixed", port, { hostPort: fixed }));
    expect(first.deployment.outcome).toBe("succeeded");
    const urls = [`http://127.0.0.1:${fixed}`, `http://127.0.0.1:${fixed + 1}`];
    expect(endpointsOfRun(first)).toEqual(urls);
    const second = await h.apply(webSpec("fixed", port, { hostPort: fixed, image: TEST_IMAGES.v2 }));
    expect(second.deployment.outcome).toBe("succeeded");
    expect(endpointsOfRun(second)).toEqual(urls);
    expect(await texts(urls)).toEqual(["v2", "v2"]);
    expect([...((await h.status("fixed")).web ?? [])].sort()).toEqual(urls);
  }, 120_000);

  it("refuses a hostPort that another app's container or a host process holds, saying which", async () => {
    const h = await harness();
    const [port = 0, other = 0] = await freePorts(2);
    const owner = await h.apply(webSpec("owner", port, { hostPort: other, replicas: 1 }));
    expect(owner.deployment.outcome).toBe("succeeded");
    const clash = await h.apply(webSpec("intruder", port, { hostPort: other, replicas: 1 }));
    expect(clash.deployment.outcome).not.toBe("succeeded");
    expect(clash.deployment.error).toMatch(
      new RegExp(`host port ${other} of service web \\(replica 0\\) is taken by codeploy-owner-dev-`),
    );
    const blocker = await listen(0);
    try {
      const held = portOf(blocker);
      const refused = await h.apply(webSpec("blocked", port, { hostPort: held, replicas: 1 }));
      expect(refused.deployment.outcome).not.toBe("succeeded");
      expect(refused.deployment.error).toMatch(
        new RegExp(`host port ${held} of service web \\(replica 0\\) is taken by a process on the host`),
      );
    } finally {
      blocker.close();
    }
  }, 120_000);

  it("serves an image's EXPOSE port when the spec names none, and says so", async () => {
    if (!pm) return;
    const [exposed = 0] = await freePorts(1);
    const image = "localhost/codeploy-test/exposes:1";
    const dir = await mkdtemp(join(tmpdir(), "cdp-expose-"));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    // The v1 rootfs again, as an image whose config declares EXPOSE and serves there.
    const source = (await pm.podman(["create", TEST_IMAGES.v1])).trim();
    await pm.podman(["export", "-o", join(dir, "rootfs.tar"), source]);
    await pm.podman(["rm", source]);
    await pm.podman([
      "import",
      "--change",
      `EXPOSE ${exposed}/tcp`,
      "--change",
      `CMD ["httpd", "-f", "-p", "${exposed}", "-h", "/www"]`,
      join(dir, "rootfs.tar"),
      image,
    ]);
    const h = await harness();
    const spec = validateSpec({ name: "exposed", environment: "dev", services: [{ name: "web", image }] });
    expect(spec.services[0]?.port).toBeUndefined();
    const out = await h.apply(spec);
    expect(out.deployment.outcome).toBe("succeeded");
    const said = h.events.filter((e) => e.type === "step-log").map((e) => e.message);
    expect(said).toContainEqual(
      `web: the spec names no port; image ${image} declares EXPOSE ${exposed}/tcp, so web uses port ${exposed}, published on 127.0.0.1 (set services[].port to choose)`,
    );
    const urls = endpointsOfRun(out);
    expect(urls).toEqual([`http://127.0.0.1:${exposed}`]);
    expect(await texts(urls)).toEqual(["v1"]);
  }, 120_000);
});
