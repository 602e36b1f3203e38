/**
 * The attack of issue 15 on a real podman Engine API: `my` + `shop-production`
 * and `my-shop` + `production` used to name the same network, volumes and
 * containers (`codeploy-my-shop-production...`). Here both deploy side by
 * side, get disjoint resources, and destroying or rolling back one leaves the
 * other untouched. An existing object under our name that another owner (or
 * nobody) labelled is refused with OWNERSHIP_CONFLICT, and taken over only
 * with adopt. A volume made by an earlier version (older name, our labels)
 * keeps its data in use.
 */
import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { deploy, destroyEnvironment, rollbackTo } from "../src/engine/deploy.js";
import { createDockerProvider } from "../src/providers/docker/index.js";
import { hashArtifacts, render } from "../src/render/index.js";
import { containerName, networkName, volumeName } from "../src/spec/naming.js";
import type { DeploymentSpec } from "../src/spec/schema.js";
import { validateSpec } from "../src/spec/validate.js";
import { openStateStore } from "../src/state/index.js";
import type { StateStore } from "../src/state/types.js";
import { startPodman, TEST_IMAGES } from "./helpers/podman.js";

const pm = await startPodman();
const dirs: string[] = [];
const stores: StateStore[] = [];
afterAll(async () => {
  for (const s of stores) await s.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  await pm?.stop();
}, 120_000);

const A = { app: "my", environment: "shop-production" };
const B = { app: "my-shop", environment: "production" };

function spec(id: { app: string; environment: string }, image: string = TEST_IMAGES.v1): DeploymentSpec {
  return validateSpec({
    name: id.app,
    environment: id.environment,
    services: [
      { name: "web", image, port: 8080, replicas: 1, healthCheck: { path: "/" }, dependsOn: ["cache"] },
    ],
    caches: [{ name: "cache", engine: "redis", version: "7" }],
  });
}

async function harness() {
  const home = mkdtempSync(join(tmpdir(), "cdp-ident-"));
  dirs.push(home);
  const store = await openStateStore({ home });
  stores.push(store);
  const provider = createDockerProvider({
    host: pm?.host ?? "unix:///nonexistent",
    healthTimeoutMs: 30_000,
    stopTimeoutSeconds: 1,
    pullTimeoutMs: 10_000,
  });
  const deps = {
    store,
    providerFor: () => provider,
    render: (s: DeploymentSpec) => render(s, { secretSeed: "ident-seed" }),
    hashArtifacts,
  };
  const options = { stepTimeoutMs: 120_000 };
  return {
    apply: (s: DeploymentSpec, adopt = false) =>
      deploy({ spec: s, actor: "test", onFailure: "stop", ...(adopt ? { adopt: true } : {}) }, deps, options),
    destroy: (id: typeof A) => destroyEnvironment({ ...id, actor: "test" }, deps, options),
    rollback: (id: typeof A) => rollbackTo({ ...id, actor: "test" }, deps, options),
  };
}

/** Containers, volumes and networks labelled for one pair, as the engine lists them. */
async function resources(id: typeof A) {
  const docker = pm?.docker;
  if (!docker) throw new Error("no podman");
  const label = [`codeploy.app=${id.app}`, `codeploy.env=${id.environment}`];
  const owned = (l: Record<string, string> | null | undefined) =>
    l?.["codeploy.app"] === id.app && l["codeploy.env"] === id.environment;
  const containers = (await docker.listContainers({ all: true, filters: { label } }))
    .filter((c) => owned(c.Labels))
    .map((c) => ({ id: c.Id, name: (c.Names[0] ?? "").replace(/^\//, ""), state: c.State }));
  const volumes = ((await docker.listVolumes({ filters: { label } })).Volumes ?? [])
    .filter((v) => owned(v.Labels))
    .map((v) => v.Name);
  const networks = (await docker.listNetworks({ filters: { label } }))
    .filter((n) => owned(n.Labels))
    .map((n) => n.Name);
  return { containers, volumes: volumes.sort(), networks: networks.sort() };
}

describe.skipIf(!pm)("collision-free identity on a real podman service", () => {
  it("my/shop-production and my-shop/production get disjoint resources; destroying or rolling back one leaves the other untouched", async () => {
    const h = await harness();
    const a = await h.apply(spec(A));
    expect(a.deployment.error).toBeUndefined();
    const b = await h.apply(spec(B));
    expect(b.deployment.error).toBeUndefined();
    expect(a.deployment.outcome).toBe("succeeded");
    expect(b.deployment.outcome).toBe("succeeded");

    const ra = await resources(A);
    const rb = await resources(B);
    expect(ra.networks).toEqual([networkName(A)]);
    expect(rb.networks).toEqual([networkName(B)]);
    expect(ra.volumes).toEqual([volumeName(A, "cache")]);
    expect(rb.volumes).toEqual([volumeName(B, "cache")]);
    expect(ra.containers.map((c) => c.name).sort()).toEqual(
      [containerName(A, "cache", 0), containerName(A, "web", 0)].sort(),
    );
    const namesA = new Set([...ra.networks, ...ra.volumes, ...ra.containers.map((c) => c.name)]);
    for (const n of [...rb.networks, ...rb.volumes, ...rb.containers.map((c) => c.name)])
      expect(namesA.has(n)).toBe(false);

    // B rolls out v2, then rolls back to v1: A's containers are the same ones, untouched.
    const b2 = await h.apply(spec(B, TEST_IMAGES.v2));
    expect(b2.deployment.outcome).toBe("succeeded");
    const back = await h.rollback(B);
    expect(back.deployment.outcome).toBe("succeeded");
    expect((await resources(A)).containers).toEqual(ra.containers);

    // Destroying B removes B's containers and network; A keeps everything.
    const gone = await h.destroy(B);
    expect(gone.deployment.outcome).toBe("succeeded");
    const after = await resources(B);
    expect(after.containers).toEqual([]);
    expect(after.networks).toEqual([]);
    const still = await resources(A);
    expect(still.containers).toEqual(ra.containers);
    expect(still.networks).toEqual(ra.networks);
    expect(still.volumes).toEqual(ra.volumes);
    expect(still.containers.every((c) => c.state === "running")).toBe(true);
    await h.destroy(A);
  }, 600_000);

  it("refuses a network under its name that nobody labelled (OWNERSHIP_CONFLICT), and adopts it with the flag", async () => {
    const h = await harness();
    const id = { app: "squat", environment: "dev" };
    await pm?.docker.createNetwork({ Name: networkName(id), Labels: { team: "someone-else" } });
    const refused = await h.apply(spec(id));
    expect(refused.deployment.outcome).toBe("failed");
    expect(refused.deployment.error).toMatch(
      new RegExp(`network ${networkName(id)} exists and is not squat/dev's: it carries no owner labels`),
    );
    expect((await resources(id)).containers).toEqual([]);
    const adopted = await h.apply(spec(id), true);
    expect(adopted.deployment.error).toBeUndefined();
    expect(adopted.deployment.outcome).toBe("succeeded");
    await h.destroy(id);
    // Destroy leaves the adopted network alone: its labels never said it was ours.
    await expect(pm?.docker.getNetwork(networkName(id)).inspect()).resolves.toBeDefined();
  }, 600_000);

  it("refuses a volume labelled for another app + environment, naming the owner", async () => {
    const h = await harness();
    const id = { app: "vol", environment: "dev" };
    await pm?.docker.createVolume({
      Name: volumeName(id, "cache"),
      Labels: { "codeploy.app": "other", "codeploy.env": "prod", "codeploy.service": "cache" },
    });
    const refused = await h.apply(spec(id));
    expect(refused.deployment.outcome).toBe("failed");
    expect(refused.deployment.error).toContain('it carries app "other", environment "prod"');
    await h.destroy(id);
  }, 600_000);

  it("keeps using the data volume an earlier version named codeploy-<app>-<env>-<component>-data (found by labels)", async () => {
    const h = await harness();
    const id = { app: "legacy", environment: "dev" };
    const old = "codeploy-legacy-dev-cache-data";
    await pm?.docker.createVolume({
      Name: old,
      Labels: { "codeploy.app": id.app, "codeploy.env": id.environment, "codeploy.service": "cache" },
    });
    const done = await h.apply(spec(id));
    expect(done.deployment.error).toBeUndefined();
    const cache = await pm?.docker.getContainer(containerName(id, "cache", 0)).inspect();
    expect(cache?.Mounts.map((m) => m.Name)).toEqual([old]);
    expect((await resources(id)).volumes).toEqual([old]);
    await h.destroy(id);
  }, 600_000);
});
