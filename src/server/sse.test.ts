/**
 * Server-Sent Events of a real deployment (null provider with a delay, on a
 * listening server): the live stream delivers every stored event in order
 * and ends with the final record; a late subscriber gets the replay; a
 * reconnect with Last-Event-ID gets only what came after; a deployment
 * running in another server process is followed through the store.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, createApiClient, type StreamItem } from "../service/api-client.js";
import { type Harness, keyFor, startHarness } from "./__fixtures__/harness.js";
import { silentLogger } from "./logger.js";
import { providerResolver } from "./providers.js";
import { type RunningServer, startServer } from "./server.js";

let h: Harness;
let server: RunningServer;
let client: ApiClient;

const spec = {
  name: "streamed",
  environment: "staging",
  services: ["web", "api", "worker"].map((name) => ({
    name,
    kind: name === "worker" ? "worker" : "web",
    image: `acme/${name}:1`,
  })),
  databases: [{ name: "db", engine: "postgres" }],
};

beforeAll(async () => {
  h = await startHarness();
  const token = await keyFor(h.store, "streamer", "deployer");
  server = await startServer({
    store: h.store,
    port: 0,
    logger: silentLogger,
    providers: providerResolver({ forced: "null", settings: { null: { delayMs: 60 } } }),
  });
  client = createApiClient({ baseUrl: server.url, token });
});
afterAll(async () => {
  await server.close(5000);
  await h.close();
});

async function collect(stream: AsyncGenerator<StreamItem>): Promise<StreamItem[]> {
  const items: StreamItem[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

const seqs = (items: readonly StreamItem[]) =>
  items.flatMap((i) => (i.kind === "event" ? [i.event.seq] : []));

describe("deployment events over SSE", () => {
  it("streams a running deployment live, in order, then the end with the outcome", async () => {
    const { id } = await client.deploy({ spec, acceptRisk: true });
    const items = await collect(client.events(id));
    const stored = await h.store.listEvents(id);
    expect(stored.length).toBeGreaterThan(8);
    expect(seqs(items)).toEqual(stored.map((e) => e.seq));
    const events = items.flatMap((i) => (i.kind === "event" ? [i.event] : []));
    expect(events[0]?.type).toBe("run-started");
    expect(events.at(-1)?.type).toBe("run-finished");
    expect(events.filter((e) => e.type === "step-succeeded").map((e) => e.step)).toContain("service:api");
    const end = items.at(-1);
    expect(end?.kind).toBe("end");
    if (end?.kind === "end")
      expect(end.deployment).toMatchObject({ id, outcome: "succeeded", actor: "key:streamer" });
  });

  it("delivers events while the deployment is still running (not only at the end)", async () => {
    const { id } = await client.deploy({ spec: { ...spec, name: "streamed-live" }, acceptRisk: true });
    let sawRunning = false;
    for await (const item of client.events(id)) {
      if (item.kind === "event" && item.event.type === "step-succeeded" && !sawRunning) {
        sawRunning = (await client.deployment(id)).state === "running";
      }
    }
    expect(sawRunning).toBe(true);
  });

  it("replays a finished deployment, and only what follows Last-Event-ID", async () => {
    const { id } = await client.deploy({ spec: { ...spec, name: "replayed" }, acceptRisk: true });
    await h.api.runs.idle();
    await server.api.runs.idle();
    const all = await collect(client.events(id));
    const total = seqs(all).length;
    expect(all.at(-1)?.kind).toBe("end");
    const tail = await collect(client.events(id, { after: 5 }));
    expect(seqs(tail)).toEqual(Array.from({ length: total - 5 }, (_, i) => i + 6));
  });

  it("follows a deployment that runs in another server process through the store", async () => {
    const other = await startServer({
      store: h.store,
      port: 0,
      logger: silentLogger,
      pollMs: 50,
      providers: providerResolver({ forced: "null", settings: { null: { delayMs: 60 } } }),
    });
    try {
      const token = await keyFor(h.store, "other-streamer", "deployer");
      const otherClient = createApiClient({ baseUrl: other.url, token });
      const { id } = await otherClient.deploy({ spec: { ...spec, name: "elsewhere" }, acceptRisk: true });
      const items = await collect(client.events(id));
      expect(seqs(items)).toEqual((await h.store.listEvents(id)).map((e) => e.seq));
      expect(items.at(-1)).toMatchObject({ kind: "end", deployment: { outcome: "succeeded" } });
    } finally {
      await other.close(5000);
    }
  });
});
