/**
 * The API's contract beyond RBAC: validation answers with field paths, no
 * stack traces in 500s, security headers, CORS off unless configured, body
 * limits, OpenAPI 3.1 from the zod schemas, docs, metrics, readiness, policy
 * refusals, locks, request-chosen providers, and API keys kept as hashes.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "../state/keys.js";
import { openSqliteFile } from "../state/sqlite-driver.js";
import type { StateStore } from "../state/types.js";
import { type Harness, keyFor, serverConfig, startHarness } from "./__fixtures__/harness.js";
import { type ServerLogger, silentLogger } from "./logger.js";
import { startServer } from "./server.js";

let h: Harness;
let admin: string;
let deployer: string;

const web = { name: "web", image: "nginx:1.27", port: 80, replicas: 2, healthCheck: { path: "/" } };
type ErrorJson = {
  error: { code: string; message: string; hint?: string; details?: { issues?: unknown[] } };
};

beforeAll(async () => {
  h = await startHarness({
    delayMs: 150,
    config: serverConfig({ bodyLimitBytes: 4096, requestProviders: ["null"], cors: { origins: [] } }),
    secretScope: { stripe: { environments: ["staging"] } },
  });
  admin = await keyFor(h.store, "root", "admin");
  deployer = await keyFor(h.store, "ci", "deployer");
});
afterAll(() => h.close());

describe("validation", () => {
  it("answers 400 with every problem's path in the body", async () => {
    const res = await h.request("/v1/plan", {
      method: "POST",
      token: deployer,
      json: { spec: { name: "Bad Name", services: [web, { name: "x", replicas: -1 }] }, colour: "red" },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorJson;
    expect(body.error.code).toBe("VALIDATION");
    expect(body.error.details?.issues).toEqual(
      expect.arrayContaining([
        { path: "spec.name", message: expect.stringMatching(/kebab-case/) },
        { path: "spec.services[1].replicas", message: "must be >= 0" },
        { path: "", message: 'unknown field "colour"' },
      ]),
    );
  });

  it("checks references with the same paths, and wants exactly one of spec or text", async () => {
    const bad = { name: "a", services: [{ ...web, dependsOn: ["nope"] }] };
    const res = await h.request("/v1/plan", { method: "POST", token: deployer, json: { spec: bad } });
    expect(((await res.json()) as ErrorJson).error.details?.issues).toEqual([
      { path: "spec.services[0].dependsOn[0]", message: expect.stringMatching(/"nope" is not/) },
    ]);
    const both = await h.request("/v1/plan", {
      method: "POST",
      token: deployer,
      json: { spec: bad, text: "x" },
    });
    expect(((await both.json()) as ErrorJson).error.details?.issues).toEqual([
      { path: "spec", message: "give exactly one of spec or text" },
    ]);
  });

  it("answers malformed JSON, a too large body and an unknown route in the error shape", async () => {
    const malformed = await h.request("/v1/plan", {
      method: "POST",
      token: deployer,
      headers: { "content-type": "application/json" },
      body: "{",
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as ErrorJson).error.code).toBe("BAD_REQUEST");
    const big = await h.request("/v1/plan", {
      method: "POST",
      token: deployer,
      json: { text: "x".repeat(5000) },
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as ErrorJson).error.code).toBe("PAYLOAD_TOO_LARGE");
    const missing = await h.request("/v1/nothing", { token: deployer });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorJson).error.code).toBe("NOT_FOUND");
  });
});

describe("failures", () => {
  it("answers 500 without a stack trace or the internal message, and logs them", async () => {
    const logged: unknown[] = [];
    const logger: ServerLogger = { log: (_level, message, fields) => logged.push({ message, ...fields }) };
    const broken: StateStore = {
      ...h.store,
      getDeployment: async () => {
        throw new Error("boom: secret internals at /srv/db");
      },
    };
    const other = await startHarness({ store: broken, logger });
    const token = await keyFor(h.store, "reader", "viewer");
    const res = await other.request("/v1/deployments/x", { token });
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(JSON.parse(text).error.code).toBe("INTERNAL");
    expect(text).not.toMatch(/boom|secret internals|\/srv\/db|at .*\.ts:\d+/);
    expect(logged).toEqual([
      expect.objectContaining({ error: expect.objectContaining({ message: expect.stringMatching(/boom/) }) }),
      expect.objectContaining({ message: "GET /v1/deployments/x 500", status: 500, actor: "key:reader" }),
    ]);
    expect((await other.request("/readyz")).status).toBe(503);
  });

  it("refuses a plan with policy errors (422, findings) unless acceptRisk", async () => {
    const spec = {
      name: "risky",
      services: [{ name: "db", image: "postgres:16", port: 5432, public: true }],
    };
    const refused = await h.request("/v1/deployments", { method: "POST", token: deployer, json: { spec } });
    expect(refused.status).toBe(422);
    const body = (await refused.json()) as {
      error: { code: string; details: { findings: { id: string }[] } };
    };
    expect(body.error.code).toBe("POLICY");
    expect(body.error.details.findings.map((f) => f.id)).toContain("CODE-SEC-002");
    const audit = await h.store.listAudit({ newestFirst: true, limit: 1 });
    expect(audit[0]).toMatchObject({ actor: "key:ci", command: "api:deploy", outcome: "refused" });
    const forced = await h.request("/v1/deployments", {
      method: "POST",
      token: deployer,
      json: { spec, acceptRisk: true },
    });
    expect(forced.status).toBe(202);
    await h.api.runs.idle();
  });

  it("answers 422 SECRET_MISSING for a spec whose secrets the server does not hold, recording nothing", async () => {
    const spec = {
      name: "paid",
      environment: "staging",
      services: [{ ...web, env: { KEY: "secret:stripe" } }],
    };
    const res = await h.request("/v1/deployments", { method: "POST", token: deployer, json: { spec } });
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorJson).error).toMatchObject({
      code: "SECRET_MISSING",
      hint: expect.stringContaining("CODEPLOY_SECRET_STRIPE"),
    });
    expect(await h.store.listDeployments({ app: "paid" })).toEqual([]);
    expect(await h.store.getLock({ app: "paid", environment: "staging" })).toBeUndefined();
  });

  it("lets only an admin adopt objects owned by someone else (adopt: true), and records the deployment", async () => {
    const spec = { name: "adopter", environment: "staging", services: [web] };
    const refused = await h.request("/v1/deployments", {
      method: "POST",
      token: deployer,
      json: { spec, adopt: true },
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ErrorJson).error.message).toContain("only an admin may adopt");
    expect(await h.store.listDeployments({ app: "adopter" })).toEqual([]);
    const accepted = await h.request("/v1/deployments", {
      method: "POST",
      token: admin,
      json: { spec, adopt: true },
    });
    expect(accepted.status).toBe(202);
  });

  it("answers 409 while another deployment holds the lock, and lets a listed provider be chosen", async () => {
    const spec = { name: "locked", environment: "staging", services: [web] };
    const first = await h.request("/v1/deployments", { method: "POST", token: deployer, json: { spec } });
    expect(first.status).toBe(202);
    const second = await h.request("/v1/deployments", { method: "POST", token: deployer, json: { spec } });
    expect(second.status).toBe(409);
    expect(((await second.json()) as ErrorJson).error.code).toBe("LOCKED");
    // The holder runs in this server and renews its lease: unlock refuses rather than let two overlap.
    const { id } = (await first.json()) as { id: string };
    const unlock = await h.request("/v1/apps/locked/environments/staging/lock", {
      method: "DELETE",
      token: admin,
    });
    expect(unlock.status).toBe(409);
    expect(((await unlock.json()) as ErrorJson).error).toMatchObject({
      code: "LOCK_HELD",
      details: { deploymentId: id },
    });
    expect((await h.store.getLock({ app: "locked", environment: "staging" }))?.deploymentId).toBe(id);
    await h.api.runs.idle();
    // The same spec again changes nothing: 200 with the deployment that made it run.
    const same = await h.request("/v1/deployments", { method: "POST", token: deployer, json: { spec } });
    expect(same.status).toBe(200);
    expect(await same.json()).toMatchObject({ id, unchanged: true, revision: 1 });
    const chosen = await h.request("/v1/deployments", {
      method: "POST",
      token: deployer,
      json: { spec: { ...spec, services: [{ ...web, replicas: 3 }] }, provider: "null" },
    });
    expect(chosen.status).toBe(202);
    const refused = await h.request("/v1/deployments", {
      method: "POST",
      token: deployer,
      json: { spec, provider: "docker" },
    });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as ErrorJson).error.code).toBe("PROVIDER_NOT_ALLOWED");
    await h.api.runs.idle();
  });
});

describe("headers", () => {
  it("sets security headers and no CORS headers unless configured", async () => {
    const res = await h.request("/healthz", { headers: { origin: "https://evil.example" } });
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("strict-transport-security")).toMatch(/max-age=/);
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("x-request-id")).toBeTruthy();
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("a listening server sends the same security headers, once, on every kind of answer", async () => {
    const expected = await h.request("/healthz");
    const names = [
      "content-security-policy",
      "strict-transport-security",
      "x-content-type-options",
      "x-frame-options",
      "referrer-policy",
      "cross-origin-opener-policy",
    ];
    for (const name of names) expect(expected.headers.get(name), name).toBeTruthy();
    const server = await startServer({ store: h.store, port: 0, logger: silentLogger });
    try {
      for (const [path, status] of [
        ["/healthz", 200],
        ["/v1/apps", 401],
        ["/nowhere", 404],
        ["/docs", 200],
      ] as const) {
        const res = await fetch(`${server.url}${path}`);
        expect(res.status).toBe(status);
        for (const name of names)
          expect(res.headers.get(name), `${path} ${name}`).toBe(expected.headers.get(name));
        await res.arrayBuffer();
      }
    } finally {
      await server.close(0);
    }
  });

  it("answers CORS for configured origins only", async () => {
    const cors = await startHarness({ config: serverConfig({ cors: { origins: ["https://ui.example"] } }) });
    try {
      const preflight = (origin: string) =>
        cors.request("/v1/apps", {
          method: "OPTIONS",
          headers: { origin, "access-control-request-method": "GET" },
        });
      expect((await preflight("https://ui.example")).headers.get("access-control-allow-origin")).toBe(
        "https://ui.example",
      );
      expect((await preflight("https://evil.example")).headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await cors.close();
    }
  });
});

describe("documents", () => {
  it("serves OpenAPI 3.1 generated from the zod schemas, with the DeploymentSpec, and a docs page", async () => {
    const doc = (await (await h.request("/openapi.json")).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/v1/interpret",
        "/v1/plan",
        "/v1/deployments",
        "/v1/deployments/{id}/events",
        "/v1/apps/{app}/environments/{env}/rollback",
        "/v1/keys/{keyId}",
        "/v1/keys/{keyId}/expire",
        "/v1/audit",
        "/v1/audit/verify",
        "/v1/apps/{app}/environments/{env}/lock",
      ]),
    );
    // Every route the app answers is documented, with its method.
    const served = h.api.app.routes
      .filter((r) => r.path.startsWith("/v1/") && !r.path.includes("*") && r.method !== "ALL")
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(served.length).toBeGreaterThan(15);
    for (const route of new Set(served)) expect(documented, route).toContain(route);
    expect(Object.keys(doc.components.schemas.DeploymentSpec?.properties ?? {})).toEqual(
      expect.arrayContaining(["name", "environment", "services", "databases", "budget"]),
    );
    const page = await (await h.request("/docs")).text();
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page).toContain("/v1/deployments/{id}/events");
  });

  it("exports Prometheus metrics by route pattern, deployments and steps by outcome", async () => {
    await h.request("/v1/deployments/unknown-id", { token: admin });
    const text = await (await h.request("/metrics")).text();
    expect(text).toContain(
      'codeploy_http_requests_total{method="GET",route="/v1/deployments/:id",status="404"}',
    );
    expect(text).toMatch(/codeploy_http_request_duration_seconds_bucket\{le="0.005",method="POST"/);
    expect(text).toMatch(/codeploy_deployments_total\{action="apply",outcome="succeeded"\} [1-9]/);
    expect(text).toMatch(/codeploy_steps_total\{outcome="succeeded"\} [1-9]/);
    expect(text).toContain("codeploy_deployment_queue_depth 0");
    expect(text).toContain("# TYPE codeploy_llm_tokens_total counter");
    expect(text).not.toContain("unknown-id");
  });

  it("is ready while the store answers", async () => {
    expect(await (await h.request("/readyz")).json()).toEqual({ status: "ok" });
  });
});

describe("API keys over the API", () => {
  it("shows a new key once, stores only its hash, and refuses it as soon as it is revoked", async () => {
    const res = await h.request("/v1/keys", {
      method: "POST",
      token: admin,
      json: { name: "robot", role: "viewer", environments: ["staging"] },
    });
    expect(res.status).toBe(201);
    const { key, apiKey } = (await res.json()) as { key: string; apiKey: { id: string; state: string } };
    expect(apiKey.state).toBe("active");
    const db = await openSqliteFile(join(h.home, "state.db"), { readOnly: true });
    const row = db.prepare("select * from api_keys where id = ?").get(apiKey.id) as Record<string, unknown>;
    db.close();
    expect(row.hash).toBe(hashApiKey(key));
    expect(JSON.stringify(row)).not.toContain(key.split("_")[2]);
    const listed = await (await h.request("/v1/keys", { token: admin })).text();
    expect(listed).toContain("robot");
    expect(listed).not.toContain(key.split("_")[2]);
    expect((await h.request("/v1/apps", { token: key })).status).toBe(200);
    expect((await h.request(`/v1/keys/${apiKey.id}`, { method: "DELETE", token: admin })).status).toBe(200);
    expect((await h.request("/v1/apps", { token: key })).status).toBe(401);
    const audit = await h.store.listAudit({ newestFirst: true, limit: 2 });
    expect(audit.map((r) => [r.actor, r.command])).toEqual([
      ["key:root", "api:keys.revoke"],
      ["key:root", "api:keys.create"],
    ]);
    expect(JSON.stringify(audit)).not.toContain(key.split("_")[2]);
  });
});
