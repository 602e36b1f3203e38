/**
 * Secret scope through the API: a deployer limited to staging names a
 * production-only secret in a staging spec and tries every path that renders
 * artifacts (apply, rollback to a revision that holds the reference, plan).
 * Each answers 403 SECRET_FORBIDDEN before anything is locked or recorded, the
 * refusal is audited, and no artifact the provider receives holds the value.
 * A production deployment by an admin gets it (so the test can fail).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Provider } from "../engine/provider.js";
import { createNullProvider } from "../providers/null/index.js";
import { validateSpec } from "../spec/validate.js";
import { type Harness, keyFor, startHarness } from "./__fixtures__/harness.js";

const PROD_VALUE = "sk_live_production-only-7f3a";
const STAGING_VALUE = "sk_test_staging-9c1e";
let h: Harness;
let stagingDeployer: string;
let admin: string;
const seen: string[] = [];

/** The null provider, keeping every artifact it is handed. */
function recording(): Provider {
  const inner = createNullProvider();
  return {
    ...inner,
    apply: (step, ctx) => {
      for (const f of ctx.artifacts.files) seen.push(f.content);
      return inner.apply(step, ctx);
    },
  };
}

const spec = (environment: string, ref: string) => ({
  name: "shop",
  environment,
  services: [{ name: "web", image: "nginx:1.27", port: 80, env: { STRIPE_KEY: `secret:${ref}` } }],
});

type ErrorJson = { error: { code: string; message: string; details?: Record<string, unknown> } };

beforeAll(async () => {
  h = await startHarness({
    providers: () => recording(),
    secretEnv: {
      CODEPLOY_SECRET_STRIPE_LIVE: PROD_VALUE,
      CODEPLOY_SECRET_STRIPE_TEST: STAGING_VALUE,
      CODEPLOY_SECRET_UNDECLARED: "held-but-never-granted",
    },
    secretScope: {
      "stripe-live": { environments: ["production"], apps: ["shop"] },
      "stripe-test": { environments: ["staging"] },
    },
  });
  stagingDeployer = await keyFor(h.store, "ci", "deployer", ["staging"]);
  admin = await keyFor(h.store, "root", "admin");
});
afterAll(() => h.close());

async function expectForbidden(res: Response, name: string): Promise<void> {
  expect(res.status).toBe(403);
  const body = (await res.json()) as ErrorJson;
  expect(body.error.code).toBe("SECRET_FORBIDDEN");
  expect(body.error.details?.forbidden).toEqual([name]);
  expect(JSON.stringify(body)).not.toContain(PROD_VALUE);
}

describe("secret scope over the API", () => {
  it("refuses a production-only secret in a staging apply, before locking, and audits it", async () => {
    const res = await h.request("/v1/deployments", {
      method: "POST",
      token: stagingDeployer,
      json: { spec: spec("staging", "stripe-live") },
    });
    await expectForbidden(res, "stripe-live");
    expect(await h.store.listDeployments({ app: "shop" })).toEqual([]);
    expect(await h.store.getLock({ app: "shop", environment: "staging" })).toBeUndefined();
    const [record] = await h.store.listAudit({ newestFirst: true, limit: 1 });
    expect(record).toMatchObject({
      command: "api:deploy",
      outcome: "refused",
      target: "shop/staging",
      details: { status: 403, error: "SECRET_FORBIDDEN" },
    });
  });

  it("refuses an undeclared name the server holds, and the same in a plan", async () => {
    await expectForbidden(
      await h.request("/v1/deployments", {
        method: "POST",
        token: stagingDeployer,
        json: { spec: spec("staging", "undeclared") },
      }),
      "undeclared",
    );
    await expectForbidden(
      await h.request("/v1/plan", {
        method: "POST",
        token: stagingDeployer,
        json: { spec: spec("staging", "stripe-live") },
      }),
      "stripe-live",
    );
  });

  it("refuses a rollback to a recorded revision that names a production-only secret", async () => {
    // A revision recorded before the scope was tightened (or by a local CLI, which only warns).
    const allowed = await h.request("/v1/deployments", {
      method: "POST",
      token: stagingDeployer,
      json: { spec: spec("staging", "stripe-test") },
    });
    expect(allowed.status).toBe(202);
    await h.api.runs.idle();
    const old = validateSpec(spec("staging", "stripe-live"));
    const revision = await h.store.createRevision({
      app: "shop",
      environment: "staging",
      spec: old,
      artifactHashes: {},
      actor: "earlier",
    });
    const before = (await h.store.listDeployments({ app: "shop" })).length;
    const res = await h.request("/v1/apps/shop/environments/staging/rollback", {
      method: "POST",
      token: stagingDeployer,
      json: { revision: revision.number },
    });
    await expectForbidden(res, "stripe-live");
    expect(await h.store.listDeployments({ app: "shop" })).toHaveLength(before);
    expect(await h.store.getLock({ app: "shop", environment: "staging" })).toBeUndefined();
  });

  it("lets production use it, and no staging artifact ever held the production value", async () => {
    expect(seen.some((c) => c.includes(STAGING_VALUE))).toBe(true);
    expect(seen.some((c) => c.includes(PROD_VALUE))).toBe(false);
    const res = await h.request("/v1/deployments", {
      method: "POST",
      token: admin,
      // Production policy wants more replicas and probes; that is not what this test is about.
      json: { spec: spec("production", "stripe-live"), acceptRisk: true },
    });
    expect(res.status).toBe(202);
    await h.api.runs.idle();
    expect(seen.some((c) => c.includes(PROD_VALUE))).toBe(true);
    // The same name for another app in production is out of scope (apps: [shop]).
    await expectForbidden(
      await h.request("/v1/deployments", {
        method: "POST",
        token: admin,
        json: { spec: { ...spec("production", "stripe-live"), name: "blog" }, acceptRisk: true },
      }),
      "stripe-live",
    );
  });
});
