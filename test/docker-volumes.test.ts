import { afterAll, describe, expect, it } from "vitest";
import type { DockerProviderOptions } from "../src/providers/docker/index.js";
import { dockerVolumeName } from "../src/render/volumes.js";
import { containerName } from "../src/spec/naming.js";
import type { DeploymentSpec } from "../src/spec/schema.js";
import { validateSpec } from "../src/spec/validate.js";
import { dockerEngines } from "./helpers/docker-engine.js";
import { startPodman, TEST_IMAGES } from "./helpers/podman.js";

const pm = await startPodman();
const engines = dockerEngines(pm, "volumes-test-seed");
afterAll(async () => {
  await engines.close();
  await pm?.stop();
}, 120_000);

async function harness(options: DockerProviderOptions = {}) {
  const engine = await engines.harness(options);
  return {
    apply: (spec: DeploymentSpec) => engine.apply(spec),
    destroy: (app: string) => engine.destroy(app, "dev"),
  };
}

/** The busybox test image, told by the spec to serve its volume (and write the greeting into it first). */
function spec(app: string, greeting: string): DeploymentSpec {
  return validateSpec({
    name: app,
    environment: "dev",
    services: [
      {
        name: "web",
        image: TEST_IMAGES.v1,
        port: 8080,
        healthCheck: { path: "/healthz" },
        env: { GREETING: greeting },
        command: ["sh", "-c"],
        args: [
          'echo "$GREETING" > /data/greeting.txt; echo ok > /data/healthz; exec httpd -f -p 8080 -h /data',
        ],
        volumes: [{ name: "data", path: "/data" }],
      },
    ],
  });
}

async function get(url: string): Promise<string> {
  const answer = await fetch(url);
  return `${answer.status} ${(await answer.text()).trim()}`;
}

const volumeOf = (app: string) =>
  dockerVolumeName({ name: app, environment: "dev" }, { service: "web", volume: "data" });

describe.skipIf(!pm)("service volumes and commands on a real podman service", () => {
  it("runs the spec's command, keeps the volume's files across an update, and destroy keeps them until purged", async () => {
    const h = await harness();
    const first = await h.apply(spec("vols", "hello"));
    expect(first.deployment.outcome).toBe("succeeded");
    expect(first.plan.steps.find((s) => s.id === "volume:web.data")?.action).toBe("create");
    const url = first.result.steps.get("service:web")?.outputs?.["endpoint.web.0"] ?? "";
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The command ran instead of the image's CMD (which serves "v1" from /www), with $GREETING from env.
    expect(await get(`${url}/greeting.txt`)).toBe("200 hello");
    expect(await get(`${url}/`)).not.toContain("v1");

    const name = containerName({ app: "vols", environment: "dev" }, "web", 0);
    const before = await pm?.docker.getContainer(name).inspect();
    await pm?.podman(["exec", name, "sh", "-c", "echo kept across updates > /data/kept.txt"]);
    const volume = await pm?.docker.getVolume(volumeOf("vols")).inspect();
    expect(volume?.Labels).toMatchObject({
      "codeploy.app": "vols",
      "codeploy.env": "dev",
      "codeploy.service": "web",
      "codeploy.volume": "data",
    });

    const second = await h.apply(spec("vols", "again"));
    expect(second.deployment.outcome).toBe("succeeded");
    expect(second.plan.steps.find((s) => s.id === "volume:web.data")?.action).toBe("noop");
    const after = await pm?.docker.getContainer(name).inspect();
    expect(after?.Id).not.toBe(before?.Id);
    const url2 = second.result.steps.get("service:web")?.outputs?.["endpoint.web.0"] ?? url;
    expect(await get(`${url2}/kept.txt`)).toBe("200 kept across updates");
    expect(await get(`${url2}/greeting.txt`)).toBe("200 again");

    const gone = await h.destroy("vols");
    expect(gone.deployment.outcome).toBe("succeeded");
    expect(
      (await pm?.docker.listContainers({ all: true, filters: { label: ["codeploy.app=vols"] } }))?.length,
    ).toBe(0);
    const kept = await pm?.docker.getVolume(volumeOf("vols")).inspect();
    expect(kept?.Name).toBe(volumeOf("vols"));

    // Deployed again, the same volume (and file) is back in use; a purging destroy then removes it.
    const again = await h.apply(spec("vols", "third"));
    const url3 = again.result.steps.get("service:web")?.outputs?.["endpoint.web.0"] ?? "";
    expect(await get(`${url3}/kept.txt`)).toBe("200 kept across updates");
    const purging = await harness({ purgeData: true });
    await purging.apply(spec("vols", "third"));
    expect((await purging.destroy("vols")).deployment.outcome).toBe("succeeded");
    const left = (await pm?.docker.listVolumes())?.Volumes.map((v) => v.Name) ?? [];
    expect(left).not.toContain(volumeOf("vols"));
  }, 180_000);

  it("refuses a volume under its name that another owner labelled, and leaves it alone", async () => {
    await pm?.docker.createVolume({
      Name: volumeOf("victim"),
      Labels: { "codeploy.app": "someone", "codeploy.env": "dev", "codeploy.service": "web" },
    });
    const h = await harness();
    const out = await h.apply(spec("victim", "hi"));
    // A first deployment that fails is undone: nothing of it is left running.
    expect(["failed", "rolled-back"]).toContain(out.deployment.outcome);
    const failed = [...out.result.steps.values()].find((s) => s.status === "failed");
    expect(JSON.stringify(failed)).toMatch(/OWNERSHIP|someone/);
    const still = await pm?.docker.getVolume(volumeOf("victim")).inspect();
    expect(still?.Labels?.["codeploy.app"]).toBe("someone");
  }, 120_000);
});
