/**
 * A queued apply given a planId, on a real Postgres: the planId travels in the job, and the
 * worker's run checks it again under the environment's lock. A job whose plan went stale while it
 * waited in line, or while its worker was about to take the lock (a deployment injected through
 * the store's acquireLock), ends refused with PLAN_STALE and records no deployment; one whose plan
 * still holds runs.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { deploy } from "../src/engine/deploy.js";
import { runJob, submitApply } from "../src/queue/index.js";
import {
  codeOf,
  engineDeps,
  serviceOn,
  specOf,
  withLockHook,
} from "../src/service/__fixtures__/plan-check.js";
import type { JobStore } from "../src/state/jobs.js";
import { openStateStore } from "../src/state/store.js";
import type { StateStore } from "../src/state/types.js";
import { startPostgres } from "./helpers/postgres.js";

const server = await startPostgres();
const stores: StateStore[] = [];

afterAll(async () => {
  for (const s of stores) await s.close();
  await server?.stop();
});

let raw: StateStore;
let jobs: JobStore;

beforeEach(async () => {
  if (server === undefined) return;
  raw = await openStateStore({ url: await server.createDatabase() });
  stores.push(raw);
  if (raw.jobs === undefined) throw new Error("no job store on Postgres");
  jobs = raw.jobs;
});

const key = { app: "shop", environment: "staging" };

/** Submits an apply of `image` with `planId` as an API server in role api does, and claims it. */
async function queued(store: StateStore, image: string, planId: string | undefined) {
  const change = await serviceOn(store, "key:ci").apply({
    input: { spec: specOf(image) },
    queued: true,
    ...(planId !== undefined ? { expectPlan: planId } : {}),
  });
  const { id } = await submitApply(jobs, change, { actor: "key:ci", principal: { role: "admin" } });
  const job = await jobs.claim("worker", 30_000);
  if (job?.id !== id) throw new Error(`claimed ${job?.id}, not ${id}`);
  return job;
}

const runContext = (store: StateStore) => ({
  signal: new AbortController().signal,
  recorded: async (id: string) => (await store.getDeployment(id)) !== undefined,
});

describe.skipIf(server === undefined)("a queued apply with a planId, on Postgres", () => {
  it("carries the planId in the job; the worker runs it while the plan holds", async () => {
    await deploy({ spec: specOf("nginx:1.26"), actor: "first" }, engineDeps(raw));
    const planId = (await serviceOn(raw).plan({ input: { spec: specOf("nginx:1.27") } })).planId;
    const job = await queued(raw, "nginx:1.27", planId);
    expect(job.request).toMatchObject({ expectPlan: planId });
    expect(await runJob(job, serviceOn(raw, "key:ci"), runContext(raw))).toMatchObject({
      end: "done",
      outcome: "succeeded",
    });
  });

  it("refuses a job whose plan went stale while it waited in line", async () => {
    await deploy({ spec: specOf("nginx:1.26"), actor: "first" }, engineDeps(raw));
    const planId = (await serviceOn(raw).plan({ input: { spec: specOf("nginx:1.27") } })).planId;
    const job = await queued(raw, "nginx:1.27", planId);
    await deploy({ spec: specOf("nginx:1.25"), actor: "meanwhile" }, engineDeps(raw));
    const result = await runJob(job, serviceOn(raw, "key:ci"), runContext(raw));
    expect(result).toMatchObject({ end: "refused", error: expect.stringMatching(/^PLAN_STALE: /) });
    expect(await raw.getDeployment(job.id)).toBeUndefined();
  });

  it("refuses it when a deployment finishes between the worker's checks and its lock", async () => {
    const { store, beforeLock } = withLockHook(raw);
    await deploy({ spec: specOf("nginx:1.26"), actor: "first" }, engineDeps(raw));
    const planId = (await serviceOn(raw).plan({ input: { spec: specOf("nginx:1.27") } })).planId;
    const job = await queued(raw, "nginx:1.27", planId);
    beforeLock(() => deploy({ spec: specOf("nginx:1.25"), actor: "racer" }, engineDeps(raw)));
    const result = await runJob(job, serviceOn(store, "key:ci"), runContext(raw));
    expect(result).toMatchObject({ end: "refused", error: expect.stringMatching(/^PLAN_STALE: /) });
    expect(await raw.getDeployment(job.id)).toBeUndefined();
    expect((await raw.listDeployments(key)).map((d) => d.actor)).toEqual(["racer", "first"]);
    expect(await raw.getLock(key)).toBeUndefined();
    // A planId of another spec is refused when submitted, before any job exists.
    expect(await codeOf(() => queued(raw, "nginx:1.30", planId))).toBe("PLAN_MISMATCH");
  });
});
