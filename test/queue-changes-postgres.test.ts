/**
 * Rollback and destroy through the deployment queue, on a real Postgres: an
 * API server in role api (in-process app) queues them like applies, and a
 * worker (startWorker: the real claim loop, lease and runner, on a second store
 * as another process would open it) runs them as the caller who asked, in line
 * with the applies of their app and environment. The HTTP service (what
 * `codeploy rollback/destroy --server` uses) follows a queued one to its end.
 * Also: status lists an app whose first deployment is still queued.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { rowState } from "../src/dashboard/apps-query.js";
import {
  type Harness,
  httpServiceOf,
  serverConfig,
  startHarness,
} from "../src/server/__fixtures__/harness.js";
import { silentLogger } from "../src/server/logger.js";
import { providerResolver } from "../src/server/providers.js";
import { type RunningWorker, startWorker } from "../src/server/worker.js";
import type { EnvironmentView } from "../src/service/types.js";
import type { JobStore } from "../src/state/jobs.js";
import { openStateStore } from "../src/state/store.js";
import type { Deployment, StateStore } from "../src/state/types.js";
import { startPostgres } from "./helpers/postgres.js";

const server = await startPostgres();
afterAll(async () => {
  await server?.stop();
});

interface Team {
  readonly h: Harness;
  readonly jobs: JobStore;
  readonly url: string;
  admin: string;
  worker?: RunningWorker;
  workerStore?: StateStore;
}

let team: Team | undefined;
afterEach(async () => {
  const t = team;
  team = undefined;
  await t?.worker?.close(1000);
  await t?.workerStore?.close();
  await t?.h.close();
});

const DELAY_MS = 30;

async function startTeam(): Promise<Team> {
  if (server === undefined) throw new Error("no Postgres");
  const url = await server.createDatabase();
  const store = await openStateStore({ url });
  if (store.jobs === undefined) throw new Error("no job store on Postgres");
  const h = await startHarness({ store, role: "api", pollMs: 20, delayMs: DELAY_MS });
  const admin = (
    await store.apiKeys.create({ name: "ops", role: "admin", environments: [], createdBy: "test" })
  ).token;
  team = { h, jobs: store.jobs, url, admin };
  return team;
}

/** A worker as `codeploy worker` starts it, on its own store of the same database. */
async function runWorker(t: Team): Promise<RunningWorker> {
  const workerStore = await openStateStore({ url: t.url });
  t.workerStore = workerStore;
  t.worker = await startWorker({
    store: workerStore,
    logger: silentLogger,
    providers: providerResolver({ forced: "null", settings: { null: { delayMs: DELAY_MS } } }),
    config: serverConfig({ planWorkers: 0 }),
    port: 0,
    worker: { leaseMs: 3000, pollMs: 20, concurrency: 4 },
  });
  return t.worker;
}

const spec = (app: string, image: string, environment = "staging") => ({
  name: app,
  environment,
  services: [{ name: "web", image, port: 80 }],
});

async function post(t: Team, path: string, json: unknown, token = t.admin, method = "POST") {
  const res = await t.h.request(path, { method, token, json });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function finished(store: StateStore, id: string, ms = 30_000): Promise<Deployment> {
  const end = Date.now() + ms;
  for (;;) {
    const d = await store.getDeployment(id);
    if (d?.outcome !== undefined) return d;
    if (Date.now() > end) throw new Error(`deployment ${id} did not finish`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function jobEnded(jobs: JobStore, id: string, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    const job = await jobs.get(id);
    if (job !== undefined && job.state !== "queued" && job.state !== "claimed") return job;
    if (Date.now() > end) throw new Error(`job ${id} did not end`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(server === undefined)("rollback and destroy through the deployment queue", () => {
  it("queues a rollback behind an apply submitted before it; the worker runs them in that order", async () => {
    const t = await startTeam();
    await t.h.seed("shop", "staging", "nginx:1.25");
    await t.h.seed("shop", "staging", "nginx:1.26");
    const apply = await post(t, "/v1/deployments", { spec: spec("shop", "nginx:1.27") });
    expect(apply).toMatchObject({ status: 202, body: { queued: true, action: "apply", position: 1 } });
    // No revision named: the last good one that differs from what runs when it runs.
    const rollback = await post(t, "/v1/apps/shop/environments/staging/rollback", {});
    expect(rollback).toMatchObject({ status: 202, body: { queued: true, action: "rollback", position: 2 } });
    const rollbackId = String(rollback.body.id);
    expect((await t.jobs.get(rollbackId))?.kind).toBe("rollback");
    const waiting = await t.h.request(`/v1/deployments/${rollbackId}`, { token: t.admin });
    expect(await waiting.json()).toMatchObject({ action: "rollback", state: "queued" });
    const history = await t.h.request("/v1/apps/shop/environments/staging/history", { token: t.admin });
    expect(((await history.json()) as { queued: { action: string }[] }).queued.map((q) => q.action)).toEqual([
      "apply",
      "rollback",
    ]);
    // The same list through the HTTP service (`codeploy history --server`).
    const remote = await httpServiceOf(t.h.api.app, t.admin).history({ app: "shop" });
    expect(remote.queued?.map((q) => [q.action, q.id])).toEqual([
      ["apply", apply.body.id],
      ["rollback", rollbackId],
    ]);

    await runWorker(t);
    const applied = await finished(t.h.store, String(apply.body.id));
    const rolled = await finished(t.h.store, rollbackId);
    expect(applied).toMatchObject({ action: "apply", outcome: "succeeded", revision: 3, actor: "key:ops" });
    // Run after the apply (rolled back from its revision 3 to 2); the other order would end on 3.
    expect(rolled).toMatchObject({ action: "rollback", outcome: "succeeded", revision: 2, actor: "key:ops" });
    expect(applied.finishedAt && applied.finishedAt <= rolled.startedAt).toBe(true);
    // The worker records the job's end after the deployment's.
    expect(await jobEnded(t.jobs, rollbackId)).toMatchObject({ kind: "rollback", state: "done" });
    const [status] = await t.h.store.status({ app: "shop", environment: "staging" });
    expect(status?.currentRevision).toBe(2);
    expect(status?.queued).toBeUndefined();
  });

  it("follows a queued destroy to its end through the HTTP service the CLI uses", async () => {
    const t = await startTeam();
    await t.h.seed("blog", "staging");
    await runWorker(t);
    const service = httpServiceOf(t.h.api.app, t.admin);
    const change = await service.destroy({ app: "blog", environment: "staging" });
    let started: string | undefined;
    const events: string[] = [];
    const done = await change.run({
      onStart: (d) => {
        started = d.id;
      },
      onEvent: (e) => events.push(e.type),
    });
    expect(done).toMatchObject({ action: "destroy", outcome: "succeeded" });
    expect(started).toBe(done.id);
    expect(events).toContain("step-succeeded");
    // It ran as a queued job: the deployment id is the job's.
    expect(await jobEnded(t.jobs, done.id)).toMatchObject({
      kind: "destroy",
      state: "done",
      actor: "key:ops",
    });
    const [status] = await t.h.store.status({ app: "blog", environment: "staging" });
    expect(status).toMatchObject({ currentRevision: undefined, lastDeployment: { action: "destroy" } });
  });

  it("waits while a lock held outside the queue covers the app, then runs", async () => {
    const t = await startTeam();
    await t.h.seed("wiki", "staging");
    const lock = await t.h.store.acquireLock({ app: "wiki", environment: "staging" }, { actor: "cli:ana" });
    const destroy = await post(t, "/v1/apps/wiki/environments/staging", undefined, t.admin, "DELETE");
    expect(destroy).toMatchObject({ status: 202, body: { queued: true, action: "destroy" } });
    const id = String(destroy.body.id);
    await runWorker(t);
    await new Promise((r) => setTimeout(r, 300));
    expect((await t.jobs.get(id))?.state).toBe("queued");
    expect(await t.h.store.getDeployment(id)).toBeUndefined();
    await t.h.store.releaseLock(lock);
    expect(await finished(t.h.store, id)).toMatchObject({ action: "destroy", outcome: "succeeded" });
  });

  it("ends the retry of a rollback whose interrupted attempt had already succeeded, going no further back", async () => {
    const t = await startTeam();
    await t.h.seed("shop", "staging", "nginx:1.25");
    await t.h.seed("shop", "staging", "nginx:1.26");
    await t.h.seed("shop", "staging", "nginx:1.27");
    const rollback = await post(t, "/v1/apps/shop/environments/staging/rollback", {});
    const id = String(rollback.body.id);
    // A worker claims it, its rollback (to revision 2) succeeds, and it dies before ending the job.
    expect((await t.jobs.claim("dead", 1))?.id).toBe(id);
    await t.h.store.startDeployment({
      id,
      app: "shop",
      environment: "staging",
      revision: 2,
      action: "rollback",
      actor: "key:ops",
    });
    await t.h.store.finishDeployment(id, "succeeded");
    await new Promise((r) => setTimeout(r, 20));
    const { retried } = await t.jobs.reap(3);
    const retry = retried[0];
    expect(retry).toMatchObject({ kind: "rollback", retryOf: id, attempt: 2 });
    await runWorker(t);
    const ended = await jobEnded(t.jobs, retry?.id ?? "");
    expect(ended).toMatchObject({ state: "unchanged" });
    expect(ended.error).toContain(id);
    // Run again, it would have rolled back from 2 to 3 (the last good revision that differs).
    expect(await t.h.store.getDeployment(retry?.id ?? "")).toBeUndefined();
    const [status] = await t.h.store.status({ app: "shop", environment: "staging" });
    expect(status?.currentRevision).toBe(2);
  });

  it("checks a queued destroy's planId again when it runs: an apply queued before it makes it stale", async () => {
    const t = await startTeam();
    await t.h.seed("shop", "staging", "nginx:1.25");
    const plan = await post(t, "/v1/apps/shop/environments/staging/plan", { action: "destroy" });
    expect(plan.status).toBe(200);
    const planId = String(plan.body.planId);
    const apply = await post(t, "/v1/deployments", { spec: spec("shop", "nginx:1.27") });
    expect(apply.status).toBe(202);
    // Still current when submitted: nothing ran since the plan.
    const destroy = await post(
      t,
      `/v1/apps/shop/environments/staging?planId=${encodeURIComponent(planId)}`,
      undefined,
      t.admin,
      "DELETE",
    );
    expect(destroy).toMatchObject({ status: 202, body: { queued: true, action: "destroy" } });
    const id = String(destroy.body.id);
    await runWorker(t);
    const job = await jobEnded(t.jobs, id);
    expect(job).toMatchObject({ kind: "destroy", state: "refused" });
    expect(job.error).toMatch(/^PLAN_STALE/);
    expect(await t.h.store.getDeployment(id)).toBeUndefined();
    const [status] = await t.h.store.status({ app: "shop", environment: "staging" });
    expect(status).toMatchObject({ currentRevision: 2, lastDeployment: { action: "apply" } });
  });

  it("refuses a queued destroy of what runs nothing when its turn comes, with the reason", async () => {
    const t = await startTeam();
    const destroy = await post(t, "/v1/apps/nothing/environments/staging", undefined, t.admin, "DELETE");
    expect(destroy).toMatchObject({ status: 202, body: { queued: true, action: "destroy" } });
    const id = String(destroy.body.id);
    await runWorker(t);
    const job = await jobEnded(t.jobs, id);
    expect(job).toMatchObject({ kind: "destroy", state: "refused" });
    expect(job.error).toMatch(/^NOT_DEPLOYED: nothing\/staging is not deployed/);
    expect(await t.h.store.getDeployment(id)).toBeUndefined();
  });

  it("checks the caller's rights at submission and again when the worker runs it", async () => {
    const t = await startTeam();
    await t.h.seed("shop", "staging", "nginx:1.25");
    await t.h.seed("shop", "staging", "nginx:1.26");
    await t.h.seed("shop", "production");
    const deployer = await t.h.store.apiKeys.create({
      name: "ci",
      role: "deployer",
      environments: ["staging"],
      createdBy: "test",
    });
    // Refused at once, nothing queued: a deployer may not destroy, nor touch another environment.
    const destroy = await post(t, "/v1/apps/shop/environments/staging", undefined, deployer.token, "DELETE");
    expect(destroy.status).toBe(403);
    const production = await post(t, "/v1/apps/shop/environments/production/rollback", {}, deployer.token);
    expect(production.status).toBe(403);
    expect(await t.jobs.open()).toEqual([]);

    const rollback = await post(
      t,
      "/v1/apps/shop/environments/staging/rollback",
      { revision: 1 },
      deployer.token,
    );
    expect(rollback).toMatchObject({ status: 202, body: { queued: true, action: "rollback" } });
    const id = String(rollback.body.id);
    // Revoked while it waits: the worker refuses it as the caller now is.
    await t.h.store.apiKeys.revoke(deployer.apiKey.id);
    await runWorker(t);
    const job = await jobEnded(t.jobs, id);
    expect(job).toMatchObject({ kind: "rollback", state: "refused" });
    expect(job.error).toMatch(/revoked/);
    expect(await t.h.store.getDeployment(id)).toBeUndefined();
    const view = await t.h.request(`/v1/deployments/${id}`, { token: t.admin });
    expect(await view.json()).toMatchObject({ action: "rollback", state: "refused" });
    const [status] = await t.h.store.status({ app: "shop", environment: "staging" });
    expect(status?.currentRevision).toBe(2);
  });

  it("lists an app whose first deployment is still queued as queued, to those who may see it", async () => {
    const t = await startTeam();
    const apply = await post(t, "/v1/deployments", { spec: spec("fresh", "nginx:1.27") });
    expect(apply).toMatchObject({ status: 202, body: { queued: true } });
    const listed = await httpServiceOf(t.h.api.app, t.admin).status({ app: "fresh" });
    const [row] = listed.environments;
    expect(row).toMatchObject({ app: "fresh", environment: "staging", queued: 1 });
    expect(row?.currentRevision).toBeUndefined();
    expect(row?.lastDeployment).toBeUndefined();
    expect(rowState(row as EnvironmentView)).toBe("queued");
    const page = await t.h.request("/v1/environments?state=queued", { token: t.admin });
    expect(await page.json()).toMatchObject({ total: 1, environments: [{ app: "fresh", queued: 1 }] });
    const one = await t.h.request("/v1/apps/fresh/environments/staging", { token: t.admin });
    expect(one.status).toBe(200);
    // A key limited to production sees neither the row nor its environment's name.
    const other = (
      await t.h.store.apiKeys.create({
        name: "prod",
        role: "viewer",
        environments: ["production"],
        createdBy: "test",
      })
    ).token;
    const hidden = await t.h.request("/v1/environments", { token: other });
    expect(await hidden.json()).toMatchObject({ total: 0, environmentNames: [] });
    expect((await httpServiceOf(t.h.api.app, other).status()).environments).toEqual([]);

    await runWorker(t);
    await jobEnded(t.jobs, String(apply.body.id));
    const [after] = (await httpServiceOf(t.h.api.app, t.admin).status({ app: "fresh" })).environments;
    expect(after).toMatchObject({ currentRevision: 1, lastDeployment: { outcome: "succeeded" } });
    expect(after?.queued).toBeUndefined();
  });
});
