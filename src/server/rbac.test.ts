/**
 * The RBAC matrix: every role (with and without an environment list) x every
 * endpoint x an allowed and a forbidden environment, against the real app on
 * a real store. Allowed calls answer 2xx and act; forbidden ones answer 403
 * and change nothing. The expectations are a literal table, not derived from
 * the implementation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, keyFor, type RoleName, startHarness } from "./__fixtures__/harness.js";

const ENVS = ["staging", "dev", "production"] as const;
type Env = (typeof ENVS)[number];

interface Expect {
  readonly role: RoleName;
  readonly scope: readonly Env[];
  /** Where reads (deployment, events, status, history) are allowed. */
  readonly read: readonly Env[];
  /** Where interpret, plan, deploy and rollback are allowed. */
  readonly change: readonly Env[];
  /** Where destroy and unlock are allowed. */
  readonly destroy: readonly Env[];
  /** API keys and the audit records: the whole installation. */
  readonly keys: boolean;
}

const ALL: readonly Env[] = ENVS;
const TABLE: Readonly<Record<string, Expect>> = {
  viewer: { role: "viewer", scope: [], read: ALL, change: [], destroy: [], keys: false },
  "viewer-staging": {
    role: "viewer",
    scope: ["staging"],
    read: ["staging"],
    change: [],
    destroy: [],
    keys: false,
  },
  deployer: { role: "deployer", scope: [], read: ALL, change: ["staging", "dev"], destroy: [], keys: false },
  "deployer-staging": {
    role: "deployer",
    scope: ["staging"],
    read: ["staging"],
    change: ["staging"],
    destroy: [],
    keys: false,
  },
  "deployer-production": {
    role: "deployer",
    scope: ["production"],
    read: ["production"],
    change: [],
    destroy: [],
    keys: false,
  },
  admin: { role: "admin", scope: [], read: ALL, change: ALL, destroy: ALL, keys: true },
  "admin-staging": {
    role: "admin",
    scope: ["staging"],
    read: ["staging"],
    change: ["staging"],
    destroy: ["staging"],
    keys: false,
  },
};

type Kind = "read" | "change" | "destroy" | "keys" | "any";

interface Endpoint {
  readonly name: string;
  readonly kind: Kind;
  readonly ok: number;
  /** Needs a deployed app in the environment first. */
  readonly seeded: boolean;
  readonly call: (
    h: Harness,
    token: string,
    app: string,
    env: Env,
    deploymentId: string,
  ) => Promise<Response>;
  /** What the call did (or, when forbidden, did not do) beyond deployments. */
  readonly effect?: (h: Harness, app: string, env: Env, allowed: boolean, body: string) => Promise<void>;
}

const spec = (app: string, env: Env) => ({
  name: app,
  environment: env,
  services: [{ name: "web", image: "nginx:1.27", port: 80, replicas: 2, healthCheck: { path: "/" } }],
});

const ENDPOINTS: readonly Endpoint[] = [
  {
    name: "POST /v1/interpret",
    kind: "change",
    ok: 200,
    seeded: false,
    call: (h, token, _app, env) =>
      h.request("/v1/interpret", { method: "POST", token, json: { text: `deploy nginx to ${env}` } }),
  },
  {
    name: "POST /v1/plan",
    kind: "change",
    ok: 200,
    seeded: false,
    call: (h, token, app, env) =>
      h.request("/v1/plan", { method: "POST", token, json: { spec: spec(app, env), acceptRisk: true } }),
  },
  {
    name: "POST /v1/deployments",
    kind: "change",
    ok: 202,
    seeded: false,
    call: (h, token, app, env) =>
      h.request("/v1/deployments", {
        method: "POST",
        token,
        json: { spec: spec(app, env), acceptRisk: true },
      }),
  },
  {
    name: "GET /v1/deployments/{id}",
    kind: "read",
    ok: 200,
    seeded: true,
    call: (h, token, _a, _e, id) => h.request(`/v1/deployments/${id}`, { token }),
  },
  {
    name: "GET /v1/deployments/{id}/events",
    kind: "read",
    ok: 200,
    seeded: true,
    call: (h, token, _a, _e, id) => h.request(`/v1/deployments/${id}/events`, { token }),
  },
  {
    name: "GET /v1/apps",
    kind: "any",
    ok: 200,
    seeded: true,
    call: (h, token) => h.request("/v1/apps", { token }),
  },
  {
    name: "GET /v1/apps/{app}/environments/{env}",
    kind: "read",
    ok: 200,
    seeded: true,
    call: (h, token, app, env) => h.request(`/v1/apps/${app}/environments/${env}`, { token }),
  },
  {
    name: "GET .../history",
    kind: "read",
    ok: 200,
    seeded: true,
    call: (h, token, app, env) => h.request(`/v1/apps/${app}/environments/${env}/history`, { token }),
  },
  {
    name: "POST .../rollback",
    kind: "change",
    ok: 202,
    seeded: true,
    call: (h, token, app, env) =>
      h.request(`/v1/apps/${app}/environments/${env}/rollback`, {
        method: "POST",
        token,
        json: { revision: 1 },
      }),
  },
  {
    name: "DELETE /v1/apps/{app}/environments/{env}",
    kind: "destroy",
    ok: 202,
    seeded: true,
    call: (h, token, app, env) =>
      h.request(`/v1/apps/${app}/environments/${env}`, { method: "DELETE", token }),
  },
  {
    name: "GET /v1/audit/verify",
    kind: "any",
    ok: 200,
    seeded: false,
    call: (h, token) => h.request("/v1/audit/verify", { token }),
  },
  {
    name: "POST /v1/keys",
    kind: "keys",
    ok: 201,
    seeded: false,
    call: (h, token, app) =>
      h.request("/v1/keys", { method: "POST", token, json: { name: `k-${app}`, role: "viewer" } }),
  },
  {
    name: "GET /v1/keys",
    kind: "keys",
    ok: 200,
    seeded: false,
    call: (h, token) => h.request("/v1/keys", { token }),
  },
  {
    name: "DELETE /v1/keys/{id}",
    kind: "keys",
    ok: 200,
    seeded: false,
    call: async (h, token, app) => {
      const { apiKey } = await h.store.apiKeys.create({
        name: `victim-${app}`,
        role: "viewer",
        createdBy: "t",
      });
      return h.request(`/v1/keys/${apiKey.id}`, { method: "DELETE", token });
    },
    effect: async (h, app, _env, allowed) => {
      const victim = (await h.store.apiKeys.list()).find((k) => k.name === `victim-${app}`);
      expect(victim?.state).toBe(allowed ? "revoked" : "active");
    },
  },
  {
    name: "POST /v1/keys/{id}/expire",
    kind: "keys",
    ok: 200,
    seeded: false,
    call: async (h, token, app) => {
      const { apiKey } = await h.store.apiKeys.create({ name: `exp-${app}`, role: "viewer", createdBy: "t" });
      return h.request(`/v1/keys/${apiKey.id}/expire`, { method: "POST", token, json: {} });
    },
    effect: async (h, app, _env, allowed) => {
      const key = (await h.store.apiKeys.list()).find((k) => k.name === `exp-${app}`);
      expect(key?.state).toBe(allowed ? "expired" : "active");
    },
  },
  {
    name: "GET /v1/audit",
    kind: "keys",
    ok: 200,
    seeded: false,
    call: (h, token) => h.request("/v1/audit?limit=5", { token }),
    effect: async (_h, _app, _env, allowed, body) => {
      if (allowed) expect(JSON.parse(body).records).toHaveLength(5);
    },
  },
  {
    name: "DELETE .../lock",
    kind: "destroy",
    ok: 200,
    seeded: false,
    call: async (h, token, app, env) => {
      // A holder on another host that stopped renewing: what `unlock` is for.
      await h.store.acquireLock(
        { app, environment: env },
        { actor: "dead", host: "elsewhere", pid: 1 },
        { leaseMs: 1 },
      );
      await new Promise((resolve) => setTimeout(resolve, 5));
      return h.request(`/v1/apps/${app}/environments/${env}/lock`, { method: "DELETE", token });
    },
    effect: async (h, app, env, allowed, body) => {
      const lock = await h.store.getLock({ app, environment: env });
      expect(lock === undefined).toBe(allowed);
      if (allowed) expect(JSON.parse(body)).toMatchObject({ freed: true, lock: { actor: "dead" } });
      else await h.store.unlock({ app, environment: env }, { force: true });
    },
  },
];

function allowed(e: Expect, kind: Kind, env: Env): boolean {
  if (kind === "any") return true;
  if (kind === "keys") return e.keys;
  return e[kind].includes(env);
}

let h: Harness;
const tokens = new Map<string, string>();
let counter = 0;

beforeAll(async () => {
  h = await startHarness();
  for (const [name, e] of Object.entries(TABLE))
    tokens.set(name, await keyFor(h.store, name, e.role, e.scope));
});
afterAll(async () => {
  await h.close();
});

describe.each(Object.keys(TABLE))("RBAC %s", (principal) => {
  const e = TABLE[principal] as Expect;
  it.each(ENDPOINTS.map((ep) => [ep.name, ep] as const))("%s", async (_name, ep) => {
    const token = tokens.get(principal) ?? "";
    for (const env of ENVS) {
      counter++;
      const app = `rbac-${counter}`;
      const seeded = ep.seeded ? await h.seed(app, env) : undefined;
      const before = (await h.store.listDeployments({ app })).length;
      const res = await ep.call(h, token, app, env, seeded?.id ?? "none");
      const body = await res.text();
      const want = allowed(e, ep.kind, env);
      expect({ env, status: res.status }).toEqual({ env, status: want ? ep.ok : 403 });
      await h.api.runs.idle();
      const after = await h.store.listDeployments({ app });
      await ep.effect?.(h, app, env, want, body);
      if (want) {
        if (ep.ok === 202) expect(after[0]?.actor).toBe(`key:${principal}`);
        if (ep.name === "GET /v1/apps") expectVisible(body, app, env, e);
      } else {
        expect(JSON.parse(body).error.code).toBe("FORBIDDEN");
        expect(after.length).toBe(before);
      }
    }
  });
});

/** Listing hides environments outside the key's scope. */
function expectVisible(body: string, app: string, env: Env, e: Expect): void {
  const apps = JSON.parse(body).apps as { app: string; environments: { environment: string }[] }[];
  const found = apps.find((a) => a.app === app)?.environments.map((x) => x.environment) ?? [];
  const visible = e.scope.length === 0 || e.scope.includes(env);
  expect(found).toEqual(visible ? [env] : []);
}

describe("RBAC audit trail", () => {
  it("records refused and accepted mutating calls with the key name as actor", async () => {
    const records = await h.store.listAudit({ limit: 10_000 });
    const refused = records.filter((r) => r.command === "api:destroy" && r.outcome === "refused");
    expect(refused.map((r) => r.actor)).toContain("key:deployer");
    const done = records.filter((r) => r.command === "api:deploy" && r.outcome === "ok");
    expect(new Set(done.map((r) => r.actor))).toEqual(
      new Set(["key:deployer", "key:deployer-staging", "key:admin", "key:admin-staging"]),
    );
    expect((await h.store.verifyAudit()).ok).toBe(true);
  });
});
