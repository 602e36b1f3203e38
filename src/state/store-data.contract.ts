import { describe, expect, it } from "vitest";
import { MIGRATIONS } from "./migrations.js";
import type { ContractContext } from "./store.contract.js";

const shop = { app: "shop", environment: "dev" } as const;

const specWithSecrets = {
  name: "shop",
  environment: "dev",
  services: [
    {
      name: "api",
      env: {
        DB_PASSWORD: "hunter2-pw",
        STRIPE_API_KEY: "sk_live_abc123",
        githubToken: "ghp_tok987",
        KEYCLOAK_URL: "https://auth.example.com",
        DATABASE_URL: "postgres://app:s3cr3t-url@db:5432/shop",
        LOG_LEVEL: "debug",
      },
    },
  ],
};

export function defineDataContract({ harness, clock }: ContractContext): void {
  describe("migrations", () => {
    it("are idempotent: running them again, and from a second store, changes nothing", async () => {
      const { store, open } = harness();
      await store.createRevision({ ...shop, spec: { name: "shop" }, actor: "ana" });
      await store.migrate();
      const second = await open();
      await second.migrate();
      // Every migration once, in order (the list grows as migrations are appended).
      expect(await harness().sql("select name from codeploy_migration order by name")).toEqual(
        Object.keys(MIGRATIONS).map((name) => ({ name })),
      );
      expect((await second.listRevisions(shop)).map((r) => r.number)).toEqual([1]);
    });
  });

  describe("revisions", () => {
    it("are numbered 1, 2, 3 per app + environment and keep what was recorded", async () => {
      const { store } = harness();
      const first = await store.createRevision({
        ...shop,
        spec: { name: "shop", services: [] },
        request: "deploy the shop",
        interpreter: "rules",
        artifactHashes: { "compose.yaml": "ab12" },
        actor: "ana",
      });
      await store.createRevision({ ...shop, spec: { name: "shop", v: 2 }, actor: "ana" });
      const other = await store.createRevision({ app: "shop", environment: "prod", spec: {}, actor: "bo" });
      expect([first.number, other.number]).toEqual([1, 1]);
      expect((await store.listRevisions(shop)).map((r) => r.number)).toEqual([1, 2]);
      const stored = await store.getRevision(shop, 1);
      expect(stored).toEqual({
        ...shop,
        number: 1,
        spec: { name: "shop", services: [] },
        request: "deploy the shop",
        interpreter: "rules",
        artifactHashes: { "compose.yaml": "ab12" },
        actor: "ana",
        createdAt: "2026-01-01T00:00:00.000Z",
      });
      expect(await store.getRevision(shop, 3)).toBeUndefined();
    });

    it("record the Git commit that holds a revision, once, and only for a revision that exists", async () => {
      const { store, open } = harness();
      await store.createRevision({ ...shop, spec: { name: "shop" }, actor: "ana" });
      await store.createRevision({ ...shop, spec: { name: "shop", v: 2 }, actor: "ana" });
      expect((await store.getRevision(shop, 1))?.commit).toBeUndefined();
      const sha = "0123456789abcdef0123456789abcdef01234567";
      expect(await store.setRevisionCommit(shop, 2, sha)).toBe(true);
      expect(await store.setRevisionCommit(shop, 9, sha)).toBe(false);
      expect(await store.setRevisionCommit({ app: "shop", environment: "prod" }, 2, sha)).toBe(false);
      // Another process sees it; the other revision keeps none.
      const second = await open();
      expect((await second.listRevisions(shop)).map((r) => r.commit)).toEqual([undefined, sha]);
    });

    it("never store secret-looking env values, URL passwords or secrets in the request words", async () => {
      const { store, sql } = harness();
      await store.createRevision({
        ...shop,
        spec: specWithSecrets,
        request: "deploy the shop with DB_PASSWORD=hunter2-pw and api_token: ghp_tok987",
        actor: "ana",
      });
      const revision = await store.getRevision(shop, 1);
      expect(revision?.spec).toMatchObject({
        services: [
          {
            env: {
              DB_PASSWORD: "[redacted]",
              STRIPE_API_KEY: "[redacted]",
              githubToken: "[redacted]",
              KEYCLOAK_URL: "https://auth.example.com",
              DATABASE_URL: "postgres://app:[redacted]@db:5432/shop",
              LOG_LEVEL: "debug",
            },
          },
        ],
      });
      expect(revision?.request).toBe("deploy the shop with DB_PASSWORD=[redacted] and api_token: [redacted]");
      const raw = JSON.stringify(await sql("select * from revisions"));
      for (const secret of ["hunter2-pw", "sk_live_abc123", "ghp_tok987", "s3cr3t-url"]) {
        expect(raw).not.toContain(secret);
      }
    });
  });

  describe("deployments and events", () => {
    it("records a deployment from start to its outcome, once", async () => {
      const { store } = harness();
      const lock = await store.acquireLock(shop, { actor: "ana", deploymentId: "d-1" });
      const started = await store.startDeployment({
        ...shop,
        revision: 1,
        action: "apply",
        actor: "ana",
        id: "d-1",
      });
      expect(started).toMatchObject({ id: "d-1", number: 1, state: "running", outcome: undefined });
      clock().advance(5000);
      const done = await store.finishDeployment("d-1", "failed", "step db timed out");
      expect(done).toMatchObject({
        state: "failed",
        error: "step db timed out",
        finishedAt: "2026-01-01T00:00:05.000Z",
      });
      await expect(store.finishDeployment("d-1", "failed")).resolves.toMatchObject({ state: "failed" });
      await expect(store.finishDeployment("d-1", "succeeded")).rejects.toMatchObject({
        code: "DEPLOYMENT_FINISHED",
      });
      await expect(store.finishDeployment("nope", "succeeded")).rejects.toMatchObject({ code: "NOT_FOUND" });
      await store.releaseLock(lock);
      const second = await store.startDeployment({ ...shop, revision: 2, action: "apply", actor: "bo" });
      expect(second.number).toBe(2);
      expect(second.id).toMatch(/^[0-9a-f-]{36}$/);
      await store.startDeployment({
        app: "blog",
        environment: "dev",
        revision: 1,
        action: "apply",
        actor: "bo",
      });
      expect((await store.listDeployments({ app: "shop" })).map((d) => d.number)).toEqual([2, 1]);
      expect(await store.listDeployments({ limit: 1 })).toHaveLength(1);
      expect((await store.getDeployment("d-1"))?.revision).toBe(1);
    });

    it("numbers events 1, 2, 3 per deployment; a batch keeps its order across chunks and deployments", async () => {
      const { store } = harness();
      const a = await store.startDeployment({ ...shop, revision: 1, action: "apply", actor: "ana" });
      const b = await store.startDeployment({
        app: "blog",
        environment: "dev",
        revision: 1,
        action: "apply",
        actor: "ana",
      });
      const one = await store.appendEvent({
        deploymentId: a.id,
        type: "step.started",
        step: "db",
        data: { try: 1 },
      });
      expect(one).toMatchObject({ seq: 1, step: "db", data: { try: 1 }, at: "2026-01-01T00:00:00.000Z" });
      const batch = Array.from({ length: 1201 }, (_, i) => ({
        deploymentId: i % 3 === 0 ? b.id : a.id,
        type: "log",
        message: `line ${i}`,
      }));
      const stored = await store.appendEvents(batch);
      expect(stored.map((e) => e.message)).toEqual(batch.map((e) => e.message));
      const eventsA = await store.listEvents(a.id);
      expect(eventsA.map((e) => e.seq)).toEqual(Array.from({ length: 801 }, (_, i) => i + 1));
      expect(eventsA.slice(1).map((e) => e.message)).toEqual(
        batch.filter((e) => e.deploymentId === a.id).map((e) => e.message),
      );
      expect((await store.listEvents(b.id)).map((e) => e.seq).at(-1)).toBe(401);
      expect((await store.listEvents(a.id, 799)).map((e) => e.seq)).toEqual([800, 801]);
      expect((await store.getDeployment(a.id))?.eventCount).toBe(801);
    });

    it("stores a batch all or nothing, and refuses events of an unknown deployment", async () => {
      const { store } = harness();
      const a = await store.startDeployment({ ...shop, revision: 1, action: "apply", actor: "ana" });
      const bad = [
        { deploymentId: a.id, type: "log" },
        { deploymentId: "missing", type: "log" },
      ];
      await expect(store.appendEvents(bad)).rejects.toMatchObject({ code: "NOT_FOUND" });
      expect(await store.listEvents(a.id)).toEqual([]);
      expect((await store.getDeployment(a.id))?.eventCount).toBe(0);
      // Single appends are grouped into shared transactions, but a bad one still fails alone.
      const single = await Promise.allSettled(
        ["x", "bad", "y"].map((type) =>
          store.appendEvent({ deploymentId: type === "bad" ? "missing" : a.id, type }),
        ),
      );
      expect(single.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
      expect((await store.listEvents(a.id)).map((e) => `${e.seq}:${e.type}`)).toEqual(["1:x", "2:y"]);
    });

    it("gives 64 concurrent appends to one deployment 64 distinct seqs", async () => {
      const { store, open } = harness();
      const other = await open();
      const d = await store.startDeployment({ ...shop, revision: 1, action: "apply", actor: "ana" });
      await Promise.all(
        Array.from({ length: 64 }, (_, i) =>
          (i % 2 === 0 ? store : other).appendEvent({ deploymentId: d.id, type: "log", message: `m${i}` }),
        ),
      );
      const events = await store.listEvents(d.id);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));
      expect(new Set(events.map((e) => e.message)).size).toBe(64);
    });
  });

  describe("status", () => {
    it("reports the current and latest revision, the last deployment and its state", async () => {
      const { store } = harness();
      for (let i = 0; i < 3; i++) await store.createRevision({ ...shop, spec: { i }, actor: "ana" });
      const ok = await store.startDeployment({ ...shop, revision: 1, action: "apply", actor: "ana" });
      await store.finishDeployment(ok.id, "succeeded");
      const bad = await store.startDeployment({ ...shop, revision: 2, action: "apply", actor: "ana" });
      await store.finishDeployment(bad.id, "failed");
      await store.createRevision({ app: "blog", environment: "prod", spec: {}, actor: "bo" });
      const all = await store.status();
      expect(all.map((s) => `${s.app}/${s.environment}`)).toEqual(["blog/prod", "shop/dev"]);
      expect(all[0]).toMatchObject({
        currentRevision: undefined,
        latestRevision: 1,
        lastDeployment: undefined,
      });
      expect(all[1]).toMatchObject({
        currentRevision: 1,
        latestRevision: 3,
        lastDeployment: { id: bad.id, state: "failed" },
      });
      const gone = await store.startDeployment({ ...shop, revision: 1, action: "destroy", actor: "ana" });
      await store.finishDeployment(gone.id, "succeeded");
      expect((await store.status(shop))[0]?.currentRevision).toBeUndefined();
    });

    it("reports a deployment without outcome whose lease expired as interrupted", async () => {
      const { store } = harness();
      await store.acquireLock(shop, { actor: "ana", deploymentId: "d-9" }, { leaseMs: 1000 });
      await store.startDeployment({ ...shop, revision: 1, action: "apply", actor: "ana", id: "d-9" });
      expect((await store.status(shop))[0]?.lastDeployment?.state).toBe("running");
      clock().advance(1001);
      const [current] = await store.status(shop);
      expect(current?.lastDeployment?.state).toBe("interrupted");
      expect(current?.lock).toMatchObject({ actor: "ana", expired: true });
      expect((await store.getDeployment("d-9"))?.state).toBe("interrupted");
    });
  });
}
