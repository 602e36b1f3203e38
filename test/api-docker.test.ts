/**
 * The HTTP API driving a real engine: a listening server whose deployments
 * run through the docker provider on a podman Engine API service (started by
 * the harness), followed over Server-Sent Events. The containers really serve,
 * the environment's endpoints answer, a `secret:NAME` reference reaches the
 * container while the store keeps only the reference, and destroy removes it.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../src/server/logger.js";
import { providerResolver } from "../src/server/providers.js";
import { type RunningServer, startServer } from "../src/server/server.js";
import { type ApiClient, createApiClient, type StreamItem } from "../src/service/api-client.js";
import { containerName } from "../src/spec/naming.js";
import { openStateStore } from "../src/state/index.js";
import type { StateStore } from "../src/state/types.js";
import { startPodman, TEST_IMAGES } from "./helpers/podman.js";

const pm = await startPodman();
const SECRET = "sk_test_value-from-the-server-env";

async function collect(stream: AsyncGenerator<StreamItem>): Promise<StreamItem[]> {
  const items: StreamItem[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

describe.skipIf(!pm)("the API deploying to a real podman engine, followed over SSE", () => {
  let home: string;
  let store: StateStore;
  let server: RunningServer;
  let deployer: ApiClient;
  let admin: ApiClient;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), "cdp-api-docker-"));
    store = await openStateStore({ home });
    const token = async (name: string, role: "deployer" | "admin") =>
      (await store.apiKeys.create({ name, role, createdBy: "test" })).token;
    server = await startServer({
      store,
      port: 0,
      logger: silentLogger,
      renderOptions: { secretSeed: "api-docker-seed" },
      secretEnv: { CODEPLOY_SECRET_STRIPE_KEY: SECRET },
      // The server refuses names its codeploy.yaml does not declare (SECRET_FORBIDDEN).
      secretScope: { "stripe-key": { environments: ["staging"], apps: ["sse"] } },
      providers: providerResolver({
        settings: {
          docker: {
            host: pm?.host ?? "unix:///nonexistent",
            healthTimeoutMs: 15_000,
            stopTimeoutSeconds: 1,
            pullTimeoutMs: 10_000,
          },
        },
      }),
    });
    deployer = createApiClient({ baseUrl: server.url, token: await token("ci", "deployer") });
    admin = createApiClient({ baseUrl: server.url, token: await token("ops", "admin") });
  }, 60_000);
  afterAll(async () => {
    await server?.close(5000);
    await store?.close();
    await pm?.stop();
    await rm(home, { recursive: true, force: true });
  }, 120_000);

  it("streams the deployment's events live, then the end; the endpoints serve; destroy removes it", async () => {
    const spec = {
      name: "sse",
      environment: "staging",
      target: "docker",
      services: [
        {
          name: "web",
          image: TEST_IMAGES.v1,
          port: 8080,
          replicas: 2,
          healthCheck: { path: "/" },
          env: { STRIPE_KEY: "secret:stripe-key" },
        },
      ],
    };
    const { id } = await deployer.deploy({ spec, acceptRisk: true });
    const items = await collect(deployer.events(id));

    const events = items.flatMap((i) => (i.kind === "event" ? [i.event] : []));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => e.seq)).toEqual((await store.listEvents(id)).map((e) => e.seq));
    const succeeded = events.filter((e) => e.type === "step-succeeded").map((e) => e.step);
    expect(succeeded).toEqual(expect.arrayContaining(["network", "service:web"]));
    // The provider's own progress, not only the engine's bookkeeping, travels over the stream.
    expect(
      events.some((e) => e.type === "step-log" && /verified web: 2 replica/.test(JSON.stringify(e.data))),
    ).toBe(true);
    expect(items.at(-1)).toMatchObject({
      kind: "end",
      deployment: { id, outcome: "succeeded", actor: "key:ci" },
    });

    const status = await deployer.environment("sse", "staging");
    expect(status.endpoints).toHaveLength(2);
    for (const url of status.endpoints) expect((await (await fetch(url)).text()).trim()).toBe("v1");

    // The value reached the containers; the store holds the reference only.
    const web0 = await pm?.docker
      .getContainer(containerName({ app: "sse", environment: "staging" }, "web", 0))
      .inspect();
    expect(web0?.Config.Env).toContain(`STRIPE_KEY=${SECRET}`);
    const stored = JSON.stringify([
      await store.getRevision({ app: "sse", environment: "staging" }, 1),
      await store.listEvents(id),
      await store.listAudit(),
    ]);
    expect(stored).toContain("secret:stripe-key");
    expect(stored).not.toContain(SECRET);

    const destroyed = await admin.destroy("sse", "staging");
    const end = (await collect(admin.events(destroyed.id))).at(-1);
    expect(end).toMatchObject({ kind: "end", deployment: { outcome: "succeeded", action: "destroy" } });
    const left = await pm?.docker.listContainers({ all: true, filters: { label: ["codeploy.app=sse"] } });
    expect(left).toEqual([]);
  }, 120_000);
});
