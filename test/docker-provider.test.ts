/**
 * The docker provider against a real podman Engine API service (started by
 * the harness on a socket in a temp dir), driven through deploy() with a
 * temp SQLite store, as `codeploy apply` does. Images are built locally
 * (busybox rootfs); redis and postgres are stand-ins tagged with the official
 * names, whose "server" is busybox httpd on the engine's port.
 */
import { mkdtempSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import Docker from "dockerode";
import { afterAll, describe, expect, it } from "vitest";
import { logsCommand, registerLogsCommands } from "../src/cli/commands/logs.js";
import { captureIo } from "../src/cli/test-io.js";
import { checkObserved, type DockerProviderOptions, endpointsOf } from "../src/providers/docker/index.js";
import { envFileOf } from "../src/providers/docker/interpolate.js";
import { streamLogs } from "../src/providers/docker/logs.js";
import { render } from "../src/render/index.js";
import { containerName, networkName, volumeName } from "../src/spec/naming.js";
import type { DeploymentSpec } from "../src/spec/schema.js";
import { validateSpec } from "../src/spec/validate.js";
import { dockerEngines, type EngineHarness } from "./helpers/docker-engine.js";
import { startPodman, TEST_IMAGES } from "./helpers/podman.js";

const pm = await startPodman({ registry: true });
const SEED = "docker-test-seed";
const engines = dockerEngines(pm, SEED);
afterAll(async () => {
  await engines.close();
  await pm?.stop();
}, 120_000);

const harness = (options: DockerProviderOptions = {}): Promise<EngineHarness> => engines.harness(options);

function webSpec(
  app: string,
  web: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): DeploymentSpec {
  return validateSpec({
    name: app,
    environment: "dev",
    services: [
      { name: "web", image: TEST_IMAGES.v1, port: 8080, replicas: 2, healthCheck: { path: "/" }, ...web },
    ],
    ...extra,
  });
}

async function containers(app: string) {
  const list = await pm?.docker.listContainers({ all: true, filters: { label: [`codeploy.app=${app}`] } });
  return (list ?? [])
    .map((c) => ({ ...c, name: (c.Names[0] ?? "").replace(/^\//, "") }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

async function observed(h: EngineHarness, app: string) {
  return h.provider.observe({ app, environment: "dev", signal: new AbortController().signal });
}

async function texts(urls: readonly string[]): Promise<string[]> {
  return Promise.all(urls.map(async (u) => (await (await fetch(u)).text()).trim()));
}

describe.skipIf(!pm)("docker provider on a real podman service", () => {
  it("first apply: network, labelled containers, volumes, stand-in data services (redis, postgres) ready on TCP, credentials handed over, v1 served", async () => {
    const h = await harness();
    const spec = webSpec(
      "shop",
      { dependsOn: ["pg", "cache"] },
      {
        databases: [{ name: "pg", engine: "postgres", version: "16" }],
        caches: [{ name: "cache", engine: "redis", version: "7" }],
      },
    );
    const out = await h.apply(spec);
    expect(out.deployment.outcome).toBe("succeeded");
    const names = (await containers("shop")).map((c) => c.name);
    expect(names).toEqual([
      containerName({ app: "shop", environment: "dev" }, "cache", 0),
      containerName({ app: "shop", environment: "dev" }, "pg", 0),
      containerName({ app: "shop", environment: "dev" }, "web", 0),
      containerName({ app: "shop", environment: "dev" }, "web", 1),
    ]);
    const web0 = await pm?.docker
      .getContainer(containerName({ app: "shop", environment: "dev" }, "web", 0))
      .inspect();
    expect(web0?.Config.Labels).toMatchObject({
      "codeploy.app": "shop",
      "codeploy.env": "dev",
      "codeploy.service": "web",
      "codeploy.revision": "1",
    });
    const network = await pm?.docker.getNetwork(networkName({ app: "shop", environment: "dev" })).inspect();
    expect(network?.Labels).toMatchObject({ "codeploy.app": "shop", "codeploy.env": "dev" });
    const volumes = (await pm?.docker.listVolumes())?.Volumes.map((v) => v.Name) ?? [];
    expect(volumes).toEqual(
      expect.arrayContaining([
        volumeName({ app: "shop", environment: "dev" }, "pg"),
        volumeName({ app: "shop", environment: "dev" }, "cache"),
      ]),
    );
    // The passwords the compose renderer writes to .env are the ones the containers get.
    const secrets = envFileOf(render(spec, { secretSeed: SEED }).files);
    const env = web0?.Config.Env ?? [];
    expect(env).toContain(
      `DATABASE_URL=postgres://app:${secrets.get("CODEPLOY_PG_PASSWORD")}@pg:5432/shop?sslmode=disable`,
    );
    expect(env).toContain(`REDIS_URL=redis://:${secrets.get("CODEPLOY_CACHE_PASSWORD")}@cache:6379`);
    // The network alias resolves from the app's containers: the stand-in answers on postgres' port.
    const exec = await pm?.podman([
      "exec",
      containerName({ app: "shop", environment: "dev" }, "web", 0),
      "wget",
      "-q",
      "-O",
      "-",
      "http://pg:5432/",
    ]);
    expect(exec?.trim()).toBe("postgres stand-in");
    const outputs = out.result.steps.get("service:web")?.outputs ?? {};
    expect(Object.keys(outputs).sort()).toEqual(["endpoint.web.0", "endpoint.web.1"]);
    for (const url of Object.values(outputs)) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await texts(Object.values(outputs))).toEqual(["v1", "v1"]);
    const logs = h.events.flatMap((e) => (e.type === "step-log" ? [e.message] : []));
    expect(
      logs.some((l) => l.startsWith("verified web: 2 replica(s) of localhost/codeploy-test/web:v1")),
    ).toBe(true);
    expect(logs.join("\n")).not.toContain(secrets.get("CODEPLOY_PG_PASSWORD"));
    const seen = await observed(h, "shop");
    expect(endpointsOf(seen).web?.sort()).toEqual(Object.values(outputs).sort());
    expect(checkObserved(spec, seen)).toEqual([]);
  });

  it("re-applying the unchanged spec touches no container, and a new store (state lost) adopts them by label", async () => {
    const h = await harness();
    const spec = webSpec("same");
    await h.apply(spec);
    const before = await Promise.all(
      (await containers("same")).map((c) => pm?.docker.getContainer(c.Id).inspect()),
    );
    const again = await h.apply(spec);
    expect(again.deployment.outcome).toBe("succeeded");
    const adopter = await harness();
    const adopted = await adopter.apply(spec);
    expect(adopted.plan.steps.find((s) => s.id === "service:web")?.action).toBe("create");
    const after = await Promise.all(
      (await containers("same")).map((c) => pm?.docker.getContainer(c.Id).inspect()),
    );
    expect(after.map((c) => [c?.Id, c?.State.StartedAt])).toEqual(
      before.map((c) => [c?.Id, c?.State.StartedAt]),
    );
  });

  it("an image change rolls out replica by replica on the same host ports: one replica hands its port over while the other serves", async () => {
    const h = await harness();
    const first = await h.apply(webSpec("roll"));
    const old = (await containers("roll")).map((c) => c.Id);
    const since = Math.floor(Date.now() / 1000) - 1;
    const out = await h.apply(webSpec("roll", { image: TEST_IMAGES.v2 }));
    expect(out.deployment.outcome).toBe("succeeded");
    const now = await containers("roll");
    expect(now.map((c) => c.name)).toEqual([
      containerName({ app: "roll", environment: "dev" }, "web", 0),
      containerName({ app: "roll", environment: "dev" }, "web", 1),
    ]);
    expect(now.some((c) => old.includes(c.Id))).toBe(false);
    expect(await texts(Object.values(out.result.steps.get("service:web")?.outputs ?? {}))).toEqual([
      "v2",
      "v2",
    ]);
    // The endpoints (host ports) are the first apply's.
    expect(out.result.steps.get("service:web")?.outputs).toEqual(
      first.result.steps.get("service:web")?.outputs,
    );
    const order = await engineEvents(since, [...old, ...now.map((c) => c.Id)]);
    const at = (id: string | undefined, action: string) =>
      order.findIndex((e) => e.id === id && e.action === action);
    const [new0, new1] = [now[0]?.Id, now[1]?.Id];
    // Replica 1 (old) runs while replica 0 changes hands, and the new replica 0 while replica 1 does.
    expect(at(old[0], "died")).toBeLessThan(at(new0, "start"));
    expect(at(new0, "start")).toBeLessThan(at(old[1], "died"));
    expect(at(old[1], "died")).toBeLessThan(at(new1, "start"));
  });

  it("scales up and down, keeping the replicas that stay", async () => {
    const h = await harness();
    await h.apply(webSpec("scale"));
    const first = (await containers("scale")).map((c) => c.Id);
    const up = await h.apply(webSpec("scale", { replicas: 3 }));
    expect(up.deployment.outcome).toBe("succeeded");
    const three = await containers("scale");
    expect(three.map((c) => c.name)).toEqual([
      containerName({ app: "scale", environment: "dev" }, "web", 0),
      containerName({ app: "scale", environment: "dev" }, "web", 1),
      containerName({ app: "scale", environment: "dev" }, "web", 2),
    ]);
    expect(three.slice(0, 2).map((c) => c.Id)).toEqual(first);
    expect(await texts(Object.values(up.result.steps.get("service:web")?.outputs ?? {}))).toEqual([
      "v1",
      "v1",
      "v1",
    ]);
    const down = await h.apply(webSpec("scale", { replicas: 1 }));
    expect(down.deployment.outcome).toBe("succeeded");
    expect((await containers("scale")).map((c) => c.Id)).toEqual([first[0]]);
  });

  it("a removed service's containers go, the others stay", async () => {
    const h = await harness();
    const worker = { name: "worker", kind: "worker", image: TEST_IMAGES.v1 };
    await h.apply(validateSpec({ ...webSpec("rm"), services: [...webSpec("rm").services, worker] }));
    expect((await containers("rm")).map((c) => c.name)).toContain(
      containerName({ app: "rm", environment: "dev" }, "worker", 0),
    );
    const out = await h.apply(webSpec("rm"));
    expect(out.deployment.outcome).toBe("succeeded");
    expect((await containers("rm")).map((c) => c.name)).toEqual([
      containerName({ app: "rm", environment: "dev" }, "web", 0),
      containerName({ app: "rm", environment: "dev" }, "web", 1),
    ]);
  });

  it("fault: a revision whose health check never passes fails, rolls back, and the previous revision still serves", async () => {
    const h = await harness({ healthTimeoutMs: 3000 });
    await h.apply(webSpec("fault"));
    const before = await containers("fault");
    const out = await h.apply(webSpec("fault", { image: TEST_IMAGES.broken }));
    expect(out.deployment.outcome).toBe("rolled-back");
    expect(out.deployment.error).toMatch(/service:web: service web replica 0 did not become ready in 3 s/);
    const after = await containers("fault");
    expect(after.map((c) => c.Id)).toEqual(before.map((c) => c.Id));
    expect(after.every((c) => c.Image === TEST_IMAGES.v1 && c.State === "running")).toBe(true);
    const urls = endpointsOf(await observed(h, "fault")).web ?? [];
    expect(await texts(urls)).toEqual(["v1", "v1"]);
  });

  it("a taken host port moves the replica to a free one", async () => {
    const blocker = await listen();
    try {
      const port = addressPort(blocker);
      const h = await harness();
      const out = await h.apply(webSpec("busy", { port, replicas: 1, env: { PORT: String(port) } }));
      expect(out.deployment.outcome).toBe("succeeded");
      const url = out.result.steps.get("service:web")?.outputs?.["endpoint.web.0"] ?? "";
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(url).not.toBe(`http://127.0.0.1:${port}`);
      expect(await texts([url])).toEqual(["v1"]);
    } finally {
      blocker.close();
    }
  });

  it("destroy removes containers and network and keeps the volume; with purgeData the volume goes too", async () => {
    const spec = webSpec(
      "gone",
      { dependsOn: ["cache"] },
      { caches: [{ name: "cache", engine: "redis", version: "7" }] },
    );
    const h = await harness();
    await h.apply(spec);
    const out = await h.destroy("gone", "dev");
    expect(out.deployment.outcome).toBe("succeeded");
    expect(await containers("gone")).toEqual([]);
    await expect(
      pm?.docker.getNetwork(networkName({ app: "gone", environment: "dev" })).inspect(),
    ).rejects.toMatchObject({
      statusCode: 404,
    });
    const volumes = async () => ((await pm?.docker.listVolumes())?.Volumes ?? []).map((v) => v.Name);
    expect(await volumes()).toContain(volumeName({ app: "gone", environment: "dev" }, "cache"));
    const purging = await harness({ purgeData: true });
    // A neighbour in the same environment: label filters must not reach it (podman ORs some of them).
    const near = validateSpec({ ...spec, name: "near" });
    await purging.apply(near);
    await purging.apply(spec);
    const purged = await purging.destroy("gone", "dev");
    expect(purged.deployment.error).toBeUndefined();
    expect(purged.deployment.outcome).toBe("succeeded");
    expect(await volumes()).not.toContain(volumeName({ app: "gone", environment: "dev" }, "cache"));
    expect(await volumes()).toContain(volumeName({ app: "near", environment: "dev" }, "cache"));
    expect((await containers("near")).map((c) => c.State)).toEqual(["running", "running", "running"]);
  });

  it("a pull of an image no registry has fails fast with an error naming it, and the step rolls back", async () => {
    const diagnosed: string[] = [];
    const h = await harness({ pullTimeoutMs: 5000, diagnose: (m) => diagnosed.push(m) });
    const image = "registry.invalid/acme/missing:1";
    const out = await h.apply(webSpec("nopull", { image }));
    expect(out.deployment.outcome).toBe("rolled-back");
    expect(out.deployment.error).toContain(`image ${image} is not available`);
    expect(out.result.failure?.error.code).toMatch(/^IMAGE_PULL_(FAILED|TIMEOUT)$/);
    expect(out.result.failure?.error.hint).toContain(`docker pull ${image}`);
    expect(await containers("nopull")).toEqual([]);
    // The engine's network words (DNS, addresses, dial errors) stay out of what is recorded and served.
    const recorded = JSON.stringify([out.deployment, out.result.failure, h.events]);
    const stored = JSON.stringify(await h.store.listEvents(out.deployment.id));
    for (const text of [recorded, stored]) {
      expect(text).not.toMatch(
        /dial tcp|lookup |no such host|initializing source|pinging container registry|\d+\.\d+\.\d+\.\d+:\d+/i,
      );
    }
    if (out.result.failure?.error.code === "IMAGE_PULL_FAILED") {
      expect(diagnosed.join("\n")).toContain(`pulling ${image} failed: `);
      expect(diagnosed.join("\n").length).toBeGreaterThan(`pulling ${image} failed: `.length + 5);
    }
  });

  it.skipIf(!pm?.registry)(
    "pulls an image the engine lacks from a (local, real) registry, with progress lines",
    async () => {
      const image = (await pm?.registry?.push(TEST_IMAGES.v2, "codeploy/web:pulled")) ?? "";
      const h = await harness();
      const out = await h.apply(webSpec("pulled", { image, replicas: 1 }));
      expect(out.deployment.error).toBeUndefined();
      expect(await texts(Object.values(out.result.steps.get("service:web")?.outputs ?? {}))).toEqual(["v2"]);
      const logs = h.events.flatMap((e) => (e.type === "step-log" ? [e.message] : []));
      expect(logs).toContain(`pulling ${image} (not present on the engine)`);
      const ref = image.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      expect(logs).toContainEqual(expect.stringMatching(new RegExp(`^pulling ${ref}: .*layers done$`)));
      expect(logs).toContainEqual(expect.stringMatching(new RegExp(`^pulled ${ref} in \\d+\\.\\d s$`)));
    },
  );

  it.skipIf(!pm?.registry)("an image the registry does not have fails with an error naming it", async () => {
    const h = await harness();
    const image = `${pm?.registry?.address}/codeploy/missing:1`;
    const out = await h.apply(webSpec("unknown", { image }));
    expect(out.deployment.outcome).toBe("rolled-back");
    expect(out.result.failure?.error).toMatchObject({ code: "IMAGE_PULL_FAILED" });
    expect(out.result.failure?.error.message).toBe(
      `image ${image} is not available: the registry does not have it`,
    );
  });

  it("a registry that never answers: the pull deadline turns the hang into a clear error", async () => {
    const silent = await listen();
    try {
      const h = await harness({ pullTimeoutMs: 1500 });
      const image = `127.0.0.1:${addressPort(silent)}/codeploy/hangs:1`;
      const out = await h.apply(webSpec("hangs", { image }));
      expect(out.deployment.outcome).toBe("rolled-back");
      expect(out.result.failure?.error).toMatchObject({ code: "IMAGE_PULL_TIMEOUT", retryable: false });
      expect(out.result.failure?.error.message).toBe(
        `image ${image} is not available: pulling it did not finish in 2 s`,
      );
    } finally {
      silent.close();
    }
  });

  it("codeploy logs prints each replica's lines with its name", async () => {
    const h = await harness();
    const out = await h.apply(webSpec("logs", { replicas: 2 }));
    for (const url of Object.values(out.result.steps.get("service:web")?.outputs ?? {})) await fetch(url);
    // An empty store of its own: nothing recorded there, so the docker engine is asked.
    const logsHome = mkdtempSync(join(tmpdir(), "cdp-logs-home-"));
    const io = captureIo({ env: { DOCKER_HOST: pm?.host, CODEPLOY_HOME: logsHome } });
    expect(await logsCommand(io, "logs", { env: "dev", service: "web" })).toBe(0);
    expect(io.out()).toMatch(/^web-0 +\| serving v1$/m);
    expect(io.out()).toMatch(/^web-1 +\| serving v1$/m);
    // --follow: a request made while following shows up as httpd's log line; then Ctrl-C (abort) ends it.
    const controller = new AbortController();
    const seen: string[] = [];
    const following = streamLogs(pm?.docker ?? new Docker(), {
      app: "logs",
      environment: "dev",
      service: "web",
      follow: true,
      tail: 0,
      signal: controller.signal,
      onLine: (l) => {
        const text = `${l.source} ${l.stream} ${l.text}`;
        seen.push(text);
        if (/^web-0 stderr .*response:200$/.test(text)) controller.abort();
      },
    });
    // tail 0: only lines written from now on. Requests until one shows up (the stream may attach after the first).
    const web0 = out.result.steps.get("service:web")?.outputs?.["endpoint.web.0"] ?? "";
    while (!controller.signal.aborted) {
      await fetch(web0);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await following).toBe(2);
    expect(seen).toContainEqual(expect.stringMatching(/^web-0 stderr .*response:200$/));
    // The same through commander, as the coordinator wires it.
    const wired = captureIo({ env: { DOCKER_HOST: pm?.host, CODEPLOY_HOME: logsHome } });
    let code = -1;
    const program = new Command().exitOverride();
    registerLogsCommands(program, wired, (c) => {
      code = c;
    });
    await program.parseAsync(["logs", "logs", "--env", "dev", "-s", "web", "--tail", "1"], { from: "user" });
    expect(code).toBe(0);
    expect(wired.out() + wired.err()).toMatch(/^web-1 +\| /m);
    expect((wired.out() + wired.err()).trim().split("\n")).toHaveLength(2);
    const none = captureIo({ env: { DOCKER_HOST: pm?.host, CODEPLOY_HOME: logsHome } });
    await expect(logsCommand(none, "nothing-here", { env: "dev" })).rejects.toThrow(
      /no containers of nothing-here\/dev/,
    );
  });
});

/** A TCP server that accepts and never answers; `close()` also drops the connections it holds. */
function listen(): Promise<Server> {
  return new Promise((resolve) => {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    const close = server.close.bind(server);
    server.close = (callback) => {
      for (const s of sockets) s.destroy();
      return close(callback);
    };
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

function addressPort(server: Server): number {
  const a = server.address();
  return typeof a === "object" && a ? a.port : 0;
}

/** Container events since `since` (seconds) for the given ids, in the engine's order. */
async function engineEvents(
  since: number,
  ids: readonly string[],
): Promise<{ id: string; action: string }[]> {
  const stream = await pm?.docker.getEvents({
    since,
    until: Math.floor(Date.now() / 1000) + 1,
    filters: { type: ["container"] },
  });
  let text = "";
  stream?.on("data", (d: Buffer) => {
    text += d.toString();
  });
  await new Promise((resolve) => stream?.on("end", resolve));
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { id?: string; Actor?: { ID?: string }; Action?: string; status?: string })
    .map((e) => ({
      id: e.Actor?.ID ?? e.id ?? "",
      action: e.Action === "die" ? "died" : (e.Action ?? e.status ?? ""),
    }))
    .filter((e) => ids.includes(e.id));
}
