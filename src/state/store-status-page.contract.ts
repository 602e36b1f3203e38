/**
 * statusPage on every backend: the same rows as `status` (so both stay one
 * definition of an environment's state), cut, filtered, ordered and counted
 * by the database.
 */
import { describe, expect, it } from "vitest";
import type { ContractContext } from "./store.contract.js";
import type { DeploymentAction, DeploymentOutcome, EnvironmentStatus, StateStore } from "./types.js";

const HOUR = 3_600_000;

type Ending = DeploymentOutcome | "running" | "interrupted";

async function deploy(
  store: StateStore,
  app: string,
  environment: string,
  ending: Ending,
  action: DeploymentAction = "apply",
): Promise<void> {
  const revision = await store.createRevision({ app, environment, spec: { name: app }, actor: "ana" });
  const d = await store.startDeployment({
    app,
    environment,
    revision: revision.number,
    action,
    actor: "ana",
  });
  if (ending === "running")
    await store.acquireLock({ app, environment }, { actor: "ana", deploymentId: d.id }, { leaseMs: HOUR });
  else if (ending !== "interrupted") await store.finishDeployment(d.id, ending);
}

/** A small fleet with every state, deployed one minute apart (in this order). */
async function seed({ harness, clock }: ContractContext): Promise<StateStore> {
  const { store } = harness();
  const fleet: [string, string, Ending, DeploymentAction?][] = [
    ["shop", "staging", "succeeded"],
    ["shop", "production", "failed"],
    ["blog", "staging", "rolled-back"],
    ["app-b", "staging", "running"],
    ["appa", "staging", "interrupted"],
    ["app-a", "production", "cancelled"],
    ["old", "staging", "succeeded", "destroy"],
    ["shop_x", "staging", "succeeded"],
  ];
  for (const [app, environment, ending, action] of fleet) {
    clock().advance(60_000);
    await deploy(store, app, environment, ending, action);
  }
  // Planned, never deployed.
  await store.createRevision({ app: "draft", environment: "preview", spec: {}, actor: "bo" });
  return store;
}

const names = (rows: readonly EnvironmentStatus[]) => rows.map((r) => `${r.app}/${r.environment}`);

/**
 * A row of the deployment queue as an API server in role api writes it (state/jobs.ts). Only Postgres
 * fills the table, but it exists on both: the status queries read it on both.
 */
async function job(
  { harness }: ContractContext,
  id: string,
  app: string,
  environment: string,
  state: "queued" | "claimed" | "done",
): Promise<void> {
  await harness().sql(
    `insert into deployment_jobs (id, kind, app, environment, position, attempt, state, actor, caller_json, request_json, submitted_at)
     values ('${id}', 'apply', '${app}', '${environment}', 1, 1, '${state}', 'key:ana', '{}', '{}', '2026-01-01T00:00:00.000Z')`,
  );
}

export function defineStatusPageContract(ctx: ContractContext): void {
  describe("status pages", () => {
    it("answer nothing, and no environment names, from an empty store", async () => {
      const { store } = ctx.harness();
      expect(await store.statusPage({ limit: 25 })).toEqual({ rows: [], total: 0, environments: [] });
    });

    it("hold the same rows as status, in code-point order of app and environment", async () => {
      const store = await seed(ctx);
      const page = await store.statusPage({ limit: 500 });
      expect(page.rows).toEqual(await store.status());
      expect(names(page.rows)).toEqual([
        "app-a/production",
        "app-b/staging",
        "appa/staging",
        "blog/staging",
        "draft/preview",
        "old/staging",
        "shop/production",
        "shop/staging",
        "shop_x/staging",
      ]);
      expect(page.total).toBe(9);
      expect(page.environments).toEqual(["preview", "production", "staging"]);
    });

    it("cut pages with offset and limit, counting every matching row", async () => {
      const store = await seed(ctx);
      const second = await store.statusPage({ limit: 4, offset: 4 });
      expect(names(second.rows)).toEqual(["draft/preview", "old/staging", "shop/production", "shop/staging"]);
      expect(second.total).toBe(9);
      const beyond = await store.statusPage({ limit: 4, offset: 40 });
      expect(beyond).toMatchObject({ rows: [], total: 9 });
      // Cut after filtering by state, and after ordering by the last deployment.
      const succeeded = await store.statusPage({ limit: 1, offset: 1, state: "succeeded" });
      expect(names(succeeded.rows)).toEqual(["shop_x/staging"]);
      expect(succeeded.total).toBe(2);
      const recent = await store.statusPage({ limit: 2, offset: 1, sort: "recent" });
      expect(names(recent.rows)).toEqual(["old/staging", "app-a/production"]);
      expect(recent.total).toBe(9);
    });

    it("filter by state: the last deployment's outcome, running or interrupted by its lock, destroyed, never", async () => {
      const store = await seed(ctx);
      const byState = async (state: Parameters<StateStore["statusPage"]>[0]["state"]) =>
        names((await store.statusPage({ limit: 25, ...(state ? { state } : {}) })).rows);
      expect(await byState("succeeded")).toEqual(["shop/staging", "shop_x/staging"]);
      expect(await byState("failed")).toEqual(["shop/production"]);
      expect(await byState("rolled-back")).toEqual(["blog/staging"]);
      expect(await byState("running")).toEqual(["app-b/staging"]);
      expect(await byState("interrupted")).toEqual(["appa/staging"]);
      expect(await byState("cancelled")).toEqual(["app-a/production"]);
      expect(await byState("destroyed")).toEqual(["old/staging"]);
      expect(await byState("never")).toEqual(["draft/preview"]);
      const running = await store.statusPage({ limit: 25, state: "running" });
      expect(running.total).toBe(1);
      expect(running.rows[0]?.lastDeployment?.state).toBe("running");
      expect(running.rows[0]?.lock?.actor).toBe("ana");
    });

    it("count a lock whose lease ran out as interrupted", async () => {
      const store = await seed(ctx);
      ctx.clock().advance(2 * HOUR);
      expect(names((await store.statusPage({ limit: 25, state: "interrupted" })).rows)).toEqual([
        "app-b/staging",
        "appa/staging",
      ]);
      expect((await store.statusPage({ limit: 25, state: "running" })).total).toBe(0);
    });

    it("search a part of the app name, case-insensitively, with % and _ meaning themselves", async () => {
      const store = await seed(ctx);
      const search = async (text: string) =>
        names((await store.statusPage({ limit: 25, search: text })).rows);
      expect(await search("SHO")).toEqual(["shop/production", "shop/staging", "shop_x/staging"]);
      expect(await search("p_")).toEqual(["shop_x/staging"]);
      expect(await search("%")).toEqual([]);
      expect(await search("app-")).toEqual(["app-a/production", "app-b/staging"]);
      const both = await store.statusPage({ limit: 1, search: "shop", environment: "staging" });
      expect(both).toMatchObject({ total: 2, environments: ["preview", "production", "staging"] });
      expect(names(both.rows)).toEqual(["shop/staging"]);
    });

    it("show only the environments the caller may see, in rows, counts and names", async () => {
      const store = await seed(ctx);
      const visible = (e: string) => e === "production";
      const page = await store.statusPage({ limit: 25, visible });
      expect(names(page.rows)).toEqual(["app-a/production", "shop/production"]);
      expect(page).toMatchObject({ total: 2, environments: ["production"] });
      // Naming a hidden environment finds nothing rather than widening the filter.
      expect(await store.statusPage({ limit: 25, visible, environment: "staging" })).toEqual({
        rows: [],
        total: 0,
        environments: ["production"],
      });
      expect(await store.statusPage({ limit: 25, visible: () => false })).toEqual({
        rows: [],
        total: 0,
        environments: [],
      });
    });

    it("order by the last deployment, newest first, never-deployed last", async () => {
      const store = await seed(ctx);
      const page = await store.statusPage({ limit: 25, sort: "recent" });
      expect(names(page.rows)).toEqual([
        "shop_x/staging",
        "old/staging",
        "app-a/production",
        "appa/staging",
        "app-b/staging",
        "blog/staging",
        "shop/production",
        "shop/staging",
        "draft/preview",
      ]);
    });

    it("list an environment whose first change waits in the deployment queue as queued, nothing deployed", async () => {
      const store = await seed(ctx);
      await job(ctx, "j1", "fresh", "staging", "queued");
      await job(ctx, "j2", "fresh", "staging", "claimed");
      await job(ctx, "j3", "shop", "staging", "queued");
      await job(ctx, "j4", "gone", "staging", "done");
      await job(ctx, "j5", "hidden", "qa", "queued");
      const all = await store.status();
      const [fresh] = await store.status({ app: "fresh", environment: "staging" });
      expect(fresh).toEqual({
        app: "fresh",
        environment: "staging",
        currentRevision: undefined,
        latestRevision: undefined,
        lastDeployment: undefined,
        lock: undefined,
        queued: 2,
      });
      // Counted on an environment that has deployments too; a finished job is no longer counted.
      expect(all.find((r) => r.app === "shop" && r.environment === "staging")?.queued).toBe(1);
      expect(names(all)).not.toContain("gone/staging");
      const page = await store.statusPage({ limit: 500 });
      expect(page.rows).toEqual(all);
      expect(page.total).toBe(11);
      expect(page.environments).toEqual(["preview", "production", "qa", "staging"]);
      const queued = await store.statusPage({ limit: 25, state: "queued" });
      expect(names(queued.rows)).toEqual(["fresh/staging", "hidden/qa"]);
      expect(queued.total).toBe(2);
      expect(names((await store.statusPage({ limit: 25, state: "never" })).rows)).toEqual(["draft/preview"]);
      expect(names((await store.statusPage({ limit: 2, search: "fre" })).rows)).toEqual(["fresh/staging"]);
      // Newest deployment first: a queued-only environment has none, so it sorts with the never-deployed.
      expect(names((await store.statusPage({ limit: 25, sort: "recent" })).rows).slice(-3)).toEqual([
        "draft/preview",
        "fresh/staging",
        "hidden/qa",
      ]);
      // The caller's environments: a queued change elsewhere shows neither as a row nor as a name.
      const visible = (e: string) => e !== "qa";
      const seen = await store.statusPage({ limit: 25, visible, state: "queued" });
      expect(seen).toMatchObject({ total: 1, environments: ["preview", "production", "staging"] });
      expect(names(seen.rows)).toEqual(["fresh/staging"]);
    });

    it("report what runs: the revision of the last succeeded deployment, none after a destroy", async () => {
      const store = await seed(ctx);
      await deploy(store, "shop", "staging", "failed");
      const [shop] = (await store.statusPage({ limit: 1, search: "shop", environment: "staging" })).rows;
      expect(shop).toMatchObject({ currentRevision: 1, latestRevision: 2 });
      expect(shop?.lastDeployment).toMatchObject({ number: 2, outcome: "failed", revision: 2 });
      const [old] = (await store.statusPage({ limit: 1, search: "old" })).rows;
      expect(old).toMatchObject({ currentRevision: undefined, latestRevision: 1 });
    });
  });
}
