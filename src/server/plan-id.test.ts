/**
 * `planId` over the API on a real SQLite store (null provider): `POST /v1/plan` (apply) and
 * `POST .../environments/{env}/plan` (rollback, destroy) hand it out,
 * `POST /v1/deployments`, the rollback body and `DELETE ...?planId=` take it, and a planId that
 * names another change or was made before a deployment since is answered 409 with its code and
 * a hint. A deployment that finishes between the request's check and its run's lock is caught
 * too (injected through the store's acquireLock), and /openapi.json documents the field.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withLockHook } from "../service/__fixtures__/plan-check.js";
import { planIdOf, runningDigest } from "../service/plan-id.js";
import { openStateStore } from "../state/store.js";
import type { StateStore } from "../state/types.js";
import { type Harness, keyFor, startHarness } from "./__fixtures__/harness.js";

type ErrorJson = { error: { code: string; message: string; hint?: string } };

const spec = (image: string) => ({
  name: "shop",
  environment: "staging",
  services: [{ name: "web", image, port: 80 }],
});

let h: Harness;
let raw: StateStore;
let home: string;
let admin: string;
/** Runs the hook once, right before the next lock is taken: after every check a request makes, before its run holds the lock. */
let beforeLock: (hook: () => Promise<unknown>) => void;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "cdp-api-plan-id-"));
  raw = await openStateStore({ home });
  const hooked = withLockHook(raw);
  beforeLock = hooked.beforeLock;
  h = await startHarness({ store: hooked.store });
  admin = await keyFor(raw, "root", "admin");
});
afterAll(async () => {
  await h.close();
  await rm(home, { recursive: true, force: true });
});

const post = (path: string, json: unknown) => h.request(path, { method: "POST", token: admin, json });
const planIdFor = async (image: string) =>
  ((await (await post("/v1/plan", { spec: spec(image) })).json()) as { planId: string }).planId;
const errorOf = async (res: Response) => ({ status: res.status, ...((await res.json()) as ErrorJson).error });
/** Waits for a background deployment to end (the null provider is quick). */
const finished = async (id: string) => {
  for (let i = 0; i < 200; i++) {
    const d = await raw.getDeployment(id);
    if (d?.outcome !== undefined) return d;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`deployment ${id} did not finish`);
};

describe("planId over the API", () => {
  it("deploys with the planId of the plan, 409 PLAN_MISMATCH for another spec's, 409 PLAN_STALE after a deployment", async () => {
    const planId = await planIdFor("nginx:1.27");
    expect(planId).toMatch(/^apply\./);

    const mismatch = await errorOf(await post("/v1/deployments", { spec: spec("nginx:1.28"), planId }));
    expect(mismatch).toMatchObject({
      status: 409,
      code: "PLAN_MISMATCH",
      hint: expect.stringMatching(/plan/),
    });

    const ok = await post("/v1/deployments", { spec: spec("nginx:1.27"), planId });
    expect(ok.status).toBe(202);
    expect((await finished(((await ok.json()) as { id: string }).id)).outcome).toBe("succeeded");

    const reviewed = await planIdFor("nginx:1.28");
    await h.seed("shop", "staging", "nginx:1.26");
    const stale = await errorOf(
      await post("/v1/deployments", { spec: spec("nginx:1.28"), planId: reviewed }),
    );
    expect(stale).toMatchObject({
      status: 409,
      code: "PLAN_STALE",
      hint: expect.stringMatching(/plan again/),
    });
  });

  it("refuses (409 PLAN_STALE) when a deployment finishes after the request was checked, before its run's lock", async () => {
    const planId = await planIdFor("nginx:1.29");
    const before = (await raw.listDeployments({ app: "shop", environment: "staging" })).length;
    beforeLock(() => h.seed("shop", "staging", "nginx:1.25"));
    const raced = await errorOf(await post("/v1/deployments", { spec: spec("nginx:1.29"), planId }));
    expect(raced).toMatchObject({ status: 409, code: "PLAN_STALE" });
    // Only the racing deployment was recorded.
    expect(await raw.listDeployments({ app: "shop", environment: "staging" })).toHaveLength(before + 1);
  });

  it("plans rollback and destroy (POST .../plan) and takes their planId in the rollback body and as ?planId= of DELETE", async () => {
    const path = "/v1/apps/shop/environments/staging";
    const reviewed = async (action: "rollback" | "destroy") => {
      const res = await post(`${path}/plan`, { action });
      expect(res.status).toBe(200);
      return (await res.json()) as { planId: string; steps: unknown[]; changes: boolean };
    };
    const rollbackId = async () => (await reviewed("rollback")).planId;
    // The planId the plan route gives is the one the change checks against (the same formula).
    expect(await rollbackId()).toBe(
      planIdOf(
        "rollback",
        { app: "shop", environment: "staging", revision: null },
        await runningDigest(raw, "shop", "staging"),
      ),
    );
    const wrong = await errorOf(await post(`${path}/rollback`, { planId: "destroy.0.0" }));
    expect(wrong).toMatchObject({ status: 409, code: "PLAN_MISMATCH" });
    const stale = await rollbackId();
    await h.seed("shop", "staging", "nginx:1.24");
    expect(await errorOf(await post(`${path}/rollback`, { planId: stale }))).toMatchObject({
      status: 409,
      code: "PLAN_STALE",
    });
    const rolled = await post(`${path}/rollback`, { planId: await rollbackId() });
    expect(rolled.status).toBe(202);
    await finished(((await rolled.json()) as { id: string }).id);

    const destroyPlan = await reviewed("destroy");
    expect(destroyPlan).toMatchObject({ changes: true, planId: expect.stringMatching(/^destroy\./) });
    expect(destroyPlan.steps.length).toBeGreaterThan(0);
    const destroyId = destroyPlan.planId;
    const del = (planId: string) =>
      h.request(`${path}?planId=${encodeURIComponent(planId)}`, { method: "DELETE", token: admin });
    expect(await errorOf(await del(await rollbackId()))).toMatchObject({
      status: 409,
      code: "PLAN_MISMATCH",
    });
    const destroyed = await del(destroyId);
    expect(destroyed.status).toBe(202);
    expect((await finished(((await destroyed.json()) as { id: string }).id)).action).toBe("destroy");
  });

  it("documents planId in the OpenAPI document", async () => {
    const doc = JSON.stringify(await (await h.request("/openapi.json")).json());
    const schemas = (await (await h.request("/openapi.json")).json()) as {
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
      paths: Record<string, Record<string, { parameters?: { name: string }[] }>>;
    };
    expect(Object.keys(schemas.components.schemas.DeployRequest?.properties ?? {})).toContain("planId");
    expect(Object.keys(schemas.components.schemas.RollbackRequest?.properties ?? {})).toContain("planId");
    expect(Object.keys(schemas.components.schemas.PlanResult?.properties ?? {})).toContain("planId");
    const del = schemas.paths["/v1/apps/{app}/environments/{env}"]?.delete;
    expect(del?.parameters?.map((p) => p.name)).toContain("planId");
    expect(Object.keys(schemas.components.schemas.ChangePlan?.properties ?? {})).toContain("planId");
    expect(doc).toContain("PLAN_STALE");
  });
});
