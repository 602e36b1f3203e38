/**
 * Drift on a real podman Engine API: an app applied with `codeploy apply`,
 * then changed by hand (a replica stopped, a container replaced with another
 * env value, a stray container carrying the app's labels). `codeploy drift`
 * names each change by service and field and makes only GET calls (every
 * Engine API call goes through a recording proxy on a socket); `serve`'s
 * interval check records it, exports the gauge, and self-heal restores all
 * three by re-applying the last applied revision.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { captureIo } from "../src/cli/test-io.js";
import { configSchema } from "../src/core/config.js";
import { createDockerProvider } from "../src/providers/docker/index.js";
import { keyFor, serverConfig, startHarness } from "../src/server/__fixtures__/harness.js";
import type { DriftAnswer } from "../src/service/drift.js";
import { containerName, networkName } from "../src/spec/naming.js";
import { loadAuditKeyring } from "../src/state/audit-key.js";
import { openStateStore } from "../src/state/index.js";
import { startPodman, TEST_IMAGES } from "./helpers/podman.js";

const pm = await startPodman();
const dirs: string[] = [];
const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) s.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  await pm?.stop();
}, 120_000);

/** A socket that forwards to the podman API and records each call's method and path. */
async function recordingProxy(target: string): Promise<{ host: string; calls: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), "cdp-drift-proxy-"));
  dirs.push(dir);
  const socketPath = join(dir, "proxy.sock");
  const calls: string[] = [];
  const server = createServer((req, res) => {
    calls.push(`${req.method} ${(req.url ?? "").split("?")[0]}`);
    const upstream = request(
      { socketPath: target, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return { host: `unix://${socketPath}`, calls };
}

const APP = "drifty";
const scope = { app: APP, environment: "dev" };

describe.skipIf(!pm)("codeploy drift on a real podman service", () => {
  it("names a stopped replica, a changed env var and a stray container by service and field, read-only; self-heal restores all three", async () => {
    if (!pm) return;
    const home = mkdtempSync(join(tmpdir(), "cdp-drift-home-"));
    dirs.push(home);
    const specFile = join(home, "spec.yaml");
    writeFileSync(
      specFile,
      JSON.stringify({
        name: APP,
        environment: "dev",
        services: [
          {
            name: "web",
            image: TEST_IMAGES.v1,
            port: 8080,
            replicas: 2,
            healthCheck: { path: "/" },
            env: { GREETING: "hello" },
          },
        ],
      }),
    );
    const config = join(home, "codeploy.yaml");
    writeFileSync(config, "providers:\n  docker:\n    healthTimeoutSeconds: 20\n    stopTimeoutSeconds: 1\n");
    const cli = async (args: string[], host = pm.host) => {
      const io = captureIo({ env: { DOCKER_HOST: host, CODEPLOY_HOME: home }, cwd: home });
      const code = await main(["--config", config, ...args], io);
      return { code, out: io.out(), err: io.err() };
    };
    const applied = await cli(["apply", specFile, "--yes"]);
    expect(applied.code, applied.err).toBe(0);
    const clean = await cli(["drift", APP, "--env", "dev"]);
    expect(clean.code, clean.out + clean.err).toBe(0);
    expect(clean.out).toContain(`${APP}/dev (revision 1, docker): no drift`);

    // By hand: replica 1 stopped; replica 0 replaced by a container with another GREETING
    // (its labels copied, all but the config hash a person cannot know); a stray with the app's labels.
    const web0 = containerName(scope, "web", 0);
    const web1 = containerName(scope, "web", 1);
    await pm.podman(["stop", "-t", "0", web1]);
    const before = await pm.docker.getContainer(web0).inspect();
    await pm.podman(["rm", "-f", web0]);
    const labels = Object.entries(before.Config.Labels).filter(([k]) => k !== "codeploy.config-hash");
    const env = (before.Config.Env ?? []).map((e) => (e === "GREETING=hello" ? "GREETING=changed" : e));
    await pm.podman([
      "run",
      "-d",
      "--name",
      web0,
      "--network",
      networkName(scope),
      ...labels.flatMap(([k, v]) => ["--label", `${k}=${v}`]),
      ...env.flatMap((e) => ["--env", e]),
      "-p",
      "127.0.0.1::8080",
      TEST_IMAGES.v1,
    ]);
    await pm.podman([
      "run",
      "-d",
      "--name",
      "stray-by-hand",
      "--label",
      `codeploy.app=${APP}`,
      "--label",
      "codeploy.env=dev",
      "--label",
      "codeploy.service=web",
      TEST_IMAGES.v1,
    ]);

    const proxy = await recordingProxy(pm.socketPath);
    const drifted = await cli(["drift", APP, "--env", "dev", "--json"], proxy.host);
    expect(drifted.code, drifted.err).toBe(3);
    const answer = JSON.parse(drifted.out) as DriftAnswer;
    expect(answer).toMatchObject({ app: APP, environment: "dev", revision: 1, drifted: true, resources: 3 });
    expect(answer.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          service: "web",
          name: web1,
          change: "changed",
          path: "/state",
          expected: "running",
        }),
        expect.objectContaining({
          service: "web",
          name: web0,
          change: "changed",
          path: "/env/GREETING",
          expected: "hello",
          actual: "changed",
        }),
        expect.objectContaining({ service: "web", name: "stray-by-hand", change: "extra" }),
      ]),
    );
    // Only the stopped, replaced and stray containers are named: nothing else drifted.
    expect(new Set(answer.items.map((i) => i.name))).toEqual(new Set([web0, web1, "stray-by-hand"]));
    // Read-only: every Engine API call was a GET (lists and inspects).
    expect(proxy.calls.length).toBeGreaterThan(2);
    expect(proxy.calls.filter((c) => !c.startsWith("GET "))).toEqual([]);
    const human = await cli(["drift", APP, "--env", "dev"], proxy.host);
    expect(human.code).toBe(3);
    expect(human.out).toContain(`web: container ${web0} /env/GREETING: "hello" -> "changed"`);

    // serve: the interval check (run once here), the gauge, the API, and self-heal.
    const store = await openStateStore({ home, audit: loadAuditKeyring(home, {}) });
    const provider = createDockerProvider({ host: pm.host, healthTimeoutMs: 20_000, stopTimeoutSeconds: 1 });
    const h = await startHarness({
      store,
      providers: () => provider,
      config: serverConfig({ planWorkers: 0 }),
      drift: configSchema.parse({ drift: { intervalMinutes: 60, selfHeal: true } }).drift,
    });
    try {
      const viewer = await keyFor(store, "viewer", "viewer", ["dev"]);
      const other = await keyFor(store, "other", "viewer", ["production"]);
      const overHttp = await h.request(`/v1/apps/${APP}/environments/dev/drift`, { token: viewer });
      expect(overHttp.status).toBe(200);
      expect(((await overHttp.json()) as DriftAnswer).resources).toBe(3);
      expect((await h.request(`/v1/apps/${APP}/environments/dev/drift`, { token: other })).status).toBe(403);
      const watch = h.api.driftWatch;
      expect(watch).toBeDefined();
      const [check] = (await watch?.checkAll()) ?? [];
      expect(check?.answer?.resources).toBe(3);
      expect(check?.healed?.outcome).toBe("succeeded");
      const metrics = await (await h.request("/metrics")).text();
      expect(metrics).toContain(`codeploy_drift_resources{app="${APP}",env="dev"} 0`);
      const audit = await store.listAudit({ limit: 20, newestFirst: true });
      const heal = audit.find((r) => r.command === "drift-heal" && r.outcome === "ok");
      expect(heal?.details).toMatchObject({
        reason: "self-heal: 3 resource(s) drifted from revision 1",
        revision: 1,
        driftAfter: 0,
      });
      expect(audit.some((r) => r.command === "drift" && r.actor === "codeploy-drift")).toBe(true);
    } finally {
      await h.close();
    }
    const healed = await cli(["drift", APP, "--env", "dev"]);
    expect(healed.code, healed.out).toBe(0);
    const after = await pm.docker.getContainer(web0).inspect();
    expect(after.Config.Env).toContain("GREETING=hello");
    expect((await pm.docker.getContainer(web1).inspect()).State.Running).toBe(true);
    await expect(pm.docker.getContainer("stray-by-hand").inspect()).rejects.toThrow();
  }, 240_000);
});
