/**
 * Graceful shutdown: running deployments finish within the grace period (and
 * new ones are refused with 503 meanwhile), or are cancelled and recorded as
 * such when it runs out; and the real `codeploy serve` process does the same
 * on SIGTERM, then exits 0.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createApiClient } from "../service/api-client.js";
import { loadAuditKeyring } from "../state/audit-key.js";
import { openStateStore } from "../state/store.js";
import { type Harness, keyFor, startHarness } from "./__fixtures__/harness.js";
import { killServeProcesses, startServe } from "./__fixtures__/serve-process.js";
import { silentLogger } from "./logger.js";
import { providerResolver } from "./providers.js";
import { startServer } from "./server.js";

const spec = (name: string) => ({
  name,
  environment: "staging",
  services: ["a", "b", "c"].map((s) => ({ name: s, image: `acme/${s}:1` })),
});

async function serverWithDeployment(h: Harness, name: string) {
  const token = await keyFor(h.store, `key-${name}`, "deployer");
  const server = await startServer({
    store: h.store,
    port: 0,
    logger: silentLogger,
    providers: providerResolver({ forced: "null", settings: { null: { delayMs: 200 } } }),
  });
  const client = createApiClient({ baseUrl: server.url, token });
  const { id } = await client.deploy({ spec: spec(name), acceptRisk: true });
  return { server, id, token };
}

describe("graceful shutdown in-process", () => {
  it("lets a running deployment finish within the grace period and refuses new ones meanwhile", async () => {
    const h = await startHarness();
    try {
      const { server, id, token } = await serverWithDeployment(h, "graceful");
      const closing = server.close(30_000);
      const late = await server.api.app.request("/v1/deployments", {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ spec: spec("late"), acceptRisk: true }),
      });
      expect(late.status).toBe(503);
      expect(((await late.json()) as { error: { code: string } }).error.code).toBe("SHUTTING_DOWN");
      expect((await server.api.app.request("/readyz")).status).toBe(503);
      expect(await closing).toEqual({ finished: 1, cancelled: 0 });
      expect(await h.store.getDeployment(id)).toMatchObject({ outcome: "succeeded", state: "succeeded" });
    } finally {
      await h.close();
    }
  });

  it("cancels what is still running when the grace period runs out, and records it", async () => {
    const h = await startHarness();
    try {
      const { server, id } = await serverWithDeployment(h, "impatient");
      expect(await server.close(50)).toEqual({ finished: 0, cancelled: 1 });
      const d = await h.store.getDeployment(id);
      expect(d).toMatchObject({ outcome: "cancelled", state: "cancelled" });
      const events = await h.store.listEvents(id);
      expect(events.some((e) => e.type === "step-cancelled" || e.type === "step-skipped")).toBe(true);
    } finally {
      await h.close();
    }
  });
});

afterAll(killServeProcesses);

describe("codeploy serve process", () => {
  it("on SIGTERM lets the running deployment finish, records it, and exits 0", async () => {
    const work = await mkdtemp(join(tmpdir(), "codeploy-serve-"));
    try {
      const home = join(work, "home");
      await writeFile(
        join(work, "codeploy.yaml"),
        'providers:\n  "null": { delayMs: 200 }\nserver:\n  shutdownGraceSeconds: 30\ninterpret:\n  mode: hybrid\n',
      );
      const store = await openStateStore({ home });
      const token = await keyFor(store, "ops", "deployer");
      await store.close();
      const serve = startServe(work, {
        ...process.env,
        CODEPLOY_HOME: home,
        REDIS_URL: "",
        CODEPLOY_INTERPRET: "",
      });
      const client = createApiClient({ baseUrl: await serve.url, token });
      const { id } = await client.deploy({ spec: spec("proc"), acceptRisk: true });
      serve.child.kill("SIGTERM");
      expect(await serve.exited).toBe(0);
      expect(serve.output()).toMatch(/stopped: 1 deployment\(s\) finished, 0 cancelled/);
      expect(serve.output()).toMatch(/read by: rules \(no model asked: no model configured/);
      // With the key and anchor the server used (its CODEPLOY_HOME): the chain is keyed.
      const after = await openStateStore({ home, audit: loadAuditKeyring(home, {}) });
      try {
        expect(await after.getDeployment(id)).toMatchObject({ outcome: "succeeded", actor: "key:ops" });
        expect(await after.verifyAudit()).toMatchObject({ ok: true, anchored: true, legacy: 0 });
      } finally {
        await after.close();
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
