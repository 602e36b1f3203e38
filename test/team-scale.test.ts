/**
 * Issue 24: a team installation with real parts. Postgres and Redis, 3 API
 * servers (`serve --role api`) and 2 workers (`codeploy worker`) as separate
 * processes; 200 deployments (null provider, a delay per step) submitted
 * round-robin across the servers; one worker killed with SIGKILL while it runs
 * deployments. Every submitted deployment must reach a final state (following
 * the retry of an interrupted one), none may be lost, none may run a step
 * twice, and no two deployments of one app + environment may overlap.
 */
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { delay, startTeam, type Team } from "./helpers/team.js";

const DEPLOYMENTS = 200;
/** 20 apps x 10 deployments each: the per-app order and the lock are exercised. */
const APPS = 20;

let team: Team | undefined;

beforeAll(async () => {
  // A 5 s lease: short enough that the killed worker's jobs come back quickly, long enough that a
  // renewal delayed by a loaded CI machine does not lose a live worker its lock (one 2 s run failed so).
  team = await startTeam({ apis: 3, workers: 2, delayMs: 40, leaseSeconds: 5, concurrency: 6 });
}, 120_000);

afterAll(async () => {
  await team?.stop();
}, 60_000);

interface DeploymentView {
  readonly id: string;
  readonly error?: string;
  readonly app: string;
  readonly environment: string;
  readonly number: number;
  readonly state: string;
  readonly outcome?: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly queue?: {
    readonly state: string;
    readonly retriedAs?: string;
    readonly retryOf?: string;
    readonly attempt: number;
  };
}

function spec(i: number) {
  return {
    name: `team-${i % APPS}`,
    environment: "staging",
    services: [{ name: "web", image: "nginx:1.27", port: 80, env: { BUILD: String(i) } }],
  };
}

async function call(t: Team, base: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      authorization: `Bearer ${t.token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function submitAll(t: Team): Promise<string[]> {
  const ids: string[] = [];
  // In order per app (the queue keeps submission order), 10 requests in flight across the servers.
  for (let batch = 0; batch < DEPLOYMENTS; batch += 10) {
    const answers = await Promise.all(
      Array.from({ length: 10 }, async (_, k) => {
        const i = batch + k;
        const server = t.apis[i % t.apis.length];
        if (server === undefined) throw new Error("no API server");
        const res = await call(t, server.url, "/v1/deployments", { spec: spec(i) });
        const body = (await res.json()) as { id: string; queued?: boolean };
        expect(res.status, JSON.stringify(body)).toBe(202);
        expect(body.queued).toBe(true);
        return body.id;
      }),
    );
    ids.push(...answers);
  }
  return ids;
}

/** Follows an interrupted deployment to its retry, and so on, to the last attempt. */
async function finalOf(t: Team, id: string): Promise<DeploymentView> {
  for (let hop = 0; hop < 5; hop++) {
    const server = t.apis[hop % t.apis.length];
    if (server === undefined) throw new Error("no API server");
    const res = await call(t, server.url, `/v1/deployments/${id}`);
    expect(res.status).toBe(200);
    const d = (await res.json()) as DeploymentView;
    const retry = d.queue?.retriedAs;
    if (retry === undefined) return d;
    id = retry;
  }
  throw new Error(`deployment ${id}: more than 5 attempts`);
}

const FINAL = new Set(["succeeded", "failed", "cancelled", "rolled-back", "refused", "unchanged"]);

describe("API servers and workers on one Postgres", () => {
  it("runs 200 deployments across 3 servers and 2 workers, one worker killed, none lost or run twice", async (ctx) => {
    const t = team;
    if (t === undefined) return ctx.skip();
    const [api] = t.apis;
    const [victim, survivor] = t.workers;
    if (api === undefined || victim === undefined || survivor === undefined)
      throw new Error("team incomplete");

    const submitted = submitAll(t);
    // Kill the first worker while it holds claimed jobs whose deployments have started.
    let killedWith = 0;
    for (let i = 0; i < 600 && killedWith === 0; i++) {
      const held = await t.store.jobs?.open();
      const running = (held ?? []).filter((j) => j.state === "claimed" && j.worker === victim.name);
      const started = await Promise.all(running.map((j) => t.store.getDeployment(j.id)));
      if (started.some((d) => d !== undefined && d.eventCount > 0)) {
        victim.child.kill("SIGKILL");
        killedWith = running.length;
      } else await delay(50);
    }
    expect(killedWith, "the victim worker never ran a deployment").toBeGreaterThan(0);
    expect(await victim.exited).toBe("SIGKILL");
    const ids = await submitted;
    expect(new Set(ids).size).toBe(DEPLOYMENTS);

    // Every submitted deployment ends: the survivor reaps the victim's jobs once their lease runs out.
    let finals: DeploymentView[] = [];
    for (let round = 0; round < 240; round++) {
      finals = await Promise.all(ids.map((id) => finalOf(t, id)));
      if (finals.every((d) => FINAL.has(d.state))) break;
      await delay(250);
    }
    const show = (d: DeploymentView) =>
      `${d.id} ${d.state} ${JSON.stringify(d.queue ?? {})} ${d.error ?? ""}`;
    const pending = finals.filter((d) => !FINAL.has(d.state)).map(show);
    expect(pending.join("\n"), "deployments that never ended").toBe("");
    // A retry whose interrupted attempt had finished (the worker died after the deployment ended,
    // before its job did) finds the spec running and ends unchanged (src/queue/run.ts): that is done.
    const done = (d: DeploymentView) =>
      d.state === "succeeded" || (d.state === "unchanged" && d.queue?.retryOf !== undefined);
    expect(
      finals
        .filter((d) => !done(d))
        .map(show)
        .join("\n"),
    ).toBe("");

    // The victim's jobs were noticed by lease expiry, recorded as interrupted and retried.
    const jobs = await Promise.all(ids.map((id) => t.store.jobs?.get(id)));
    const interrupted = jobs.filter((j) => j?.state === "interrupted");
    expect(interrupted.length).toBeGreaterThanOrEqual(1);
    expect(interrupted.every((j) => j?.worker === victim.name && j.retriedAs !== undefined)).toBe(true);
    const metrics = await (await fetch(`${survivor.url}/metrics`)).text();
    expect(metrics).toMatch(/codeploy_queue_interrupted_total\{retried="yes"\} [1-9]/);

    // None ran twice: every step of every deployment started once.
    const all = await t.store.listDeployments({ limit: 10_000 });
    for (const d of all) {
      const events = await t.store.listEvents(d.id);
      const starts = new Map<string, number>();
      for (const e of events.filter((e) => e.type === "step-started"))
        starts.set(e.step ?? "", (starts.get(e.step ?? "") ?? 0) + 1);
      expect(
        [...starts.values()].every((n) => n === 1),
        `deployment ${d.id} started a step twice`,
      ).toBe(true);
    }

    // Never two at once per app + environment, and in submission order.
    const byApp = new Map<string, typeof all>();
    for (const d of all) byApp.set(d.app, [...(byApp.get(d.app) ?? []), d]);
    for (const [app, list] of byApp) {
      const sorted = [...list].sort((a, b) => a.number - b.number);
      for (let k = 1; k < sorted.length; k++) {
        const before = sorted[k - 1];
        const after = sorted[k];
        if (before === undefined || after === undefined) continue;
        const events = await t.store.listEvents(before.id);
        const lastAt = before.finishedAt ?? events.at(-1)?.at ?? before.startedAt;
        expect(lastAt <= after.startedAt, `${app}: ${before.id} and ${after.id} overlap`).toBe(true);
      }
      const succeeded = sorted.filter((d) => d.outcome === "succeeded");
      const builds = await Promise.all(
        succeeded.map(async (d) => {
          const revision = await t.store.getRevision(d, d.revision);
          const shape = revision?.spec as { services?: { env?: { BUILD?: string } }[] } | undefined;
          const env = shape?.services?.[0]?.env;
          return Number(env?.BUILD);
        }),
      );
      expect(builds, `${app} ran out of submission order`).toEqual([...builds].sort((a, b) => a - b));
    }
    expect(all.filter((d) => d.outcome === "succeeded")).toHaveLength(DEPLOYMENTS);
    console.log(
      `team-scale: ${DEPLOYMENTS} deployments, ${all.length} recorded, worker killed holding ${killedWith} job(s), ${interrupted.length} interrupted and retried`,
    );
  }, 150_000);

  it("drains workers on SIGTERM; without workers a deployment waits queued, visible, until one starts", async (ctx) => {
    const t = team;
    if (t === undefined) return ctx.skip();
    const [api] = t.apis;
    if (api === undefined) throw new Error("team incomplete");
    // Every worker still up drains (nothing runs now) and exits 0.
    const alive = t.workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    expect(alive.length).toBeGreaterThan(0);
    for (const w of alive) w.child.kill("SIGTERM");
    for (const w of alive) expect(await w.exited).toBe(0);

    // No worker: a submitted deployment waits, and GET, history and status say so.
    const res = await call(t, api.url, "/v1/deployments", { spec: spec(APPS * 100 + 1) });
    const { id } = (await res.json()) as { id: string };
    expect(res.status).toBe(202);
    const app = `team-${(APPS * 100 + 1) % APPS}`;
    const waiting = (await (await call(t, api.url, `/v1/deployments/${id}`)).json()) as DeploymentView;
    expect(waiting.state).toBe("queued");
    const history = (await (
      await call(t, api.url, `/v1/apps/${app}/environments/staging/history`)
    ).json()) as { queued?: { id: string }[] };
    expect(history.queued?.map((q) => q.id)).toEqual([id]);
    const status = (await (await call(t, api.url, `/v1/status?app=${app}&env=staging`)).json()) as {
      environments: { queued?: number }[];
    };
    expect(status.environments[0]?.queued).toBe(1);

    // A caller cannot run with rights it lost: a key revoked while its deployment waits is refused.
    const { token: deployer, apiKey } = await t.store.apiKeys.create({
      name: "team-deployer",
      role: "deployer",
      createdBy: "test",
    });
    const asDeployer = await fetch(`${api.url}/v1/deployments`, {
      method: "POST",
      headers: { authorization: `Bearer ${deployer}`, "content-type": "application/json" },
      body: JSON.stringify({ spec: { ...spec(APPS * 100 + 2), name: "team-revoked" } }),
    });
    const revokedId = ((await asDeployer.json()) as { id: string }).id;
    expect(asDeployer.status).toBe(202);
    await t.store.apiKeys.revoke(apiKey.id);

    // A secret value in clear never reaches the queue.
    const clear = await call(t, api.url, "/v1/deployments", {
      spec: {
        name: "team-secret",
        environment: "staging",
        services: [{ name: "web", image: "nginx:1.27", port: 80, env: { API_TOKEN: "plain-value-1234" } }],
      },
      acceptRisk: true,
    });
    const refusal = (await clear.json()) as { error: { code: string; details?: { path?: string } } };
    expect(clear.status).toBe(422);
    expect(refusal.error.code).toBe("SECRET_IN_QUEUE");
    expect(refusal.error.details?.path).toBe("request.input.spec.services[0].env.API_TOKEN");

    // The CLI with --server follows a queued deployment (its events wait for the start) to its end.
    const file = join(mkdtempSync(join(tmpdir(), "codeploy-team-cli-")), "spec.json");
    writeFileSync(file, JSON.stringify({ ...spec(1000), name: "team-cli" }));
    const bin = resolve(import.meta.dirname, "../bin/codeploy.cjs");
    const cli = spawn(
      process.execPath,
      [bin, "apply", file, "--yes", "--server", api.url, "--token", t.token],
      {
        env: { ...process.env, NO_COLOR: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    cli.stdout.on("data", (b: Buffer) => {
      out += b.toString();
    });
    cli.stderr.on("data", (b: Buffer) => {
      out += b.toString();
    });
    const cliExit = new Promise<number | null>((done) => cli.once("exit", (code) => done(code)));
    await delay(1000);
    expect(cli.exitCode, out).toBeNull();
    // Its first deployment waits: status lists the app, queued, with nothing deployed.
    let first: { environments: { app: string; queued?: number; lastDeployment?: unknown }[] } | undefined;
    for (let i = 0; i < 100 && first?.environments.length !== 1; i++) {
      first = (await (
        await call(t, api.url, "/v1/environments?state=queued&q=team-cli")
      ).json()) as typeof first;
      if (first?.environments.length !== 1) await delay(100);
    }
    expect(first?.environments).toEqual([expect.objectContaining({ app: "team-cli", queued: 1 })]);
    expect(first?.environments[0]?.lastDeployment).toBeUndefined();

    const worker = await t.startWorker();
    expect(await cliExit, out).toBe(0);
    expect(out).toMatch(/succeeded/);
    // A destroy goes through the queue too; the CLI follows it to its end the same way.
    // execFile rejects (with the output) on an exit other than 0.
    const destroy = await promisify(execFile)(
      process.execPath,
      [bin, "destroy", "team-cli", "--env", "staging", "--yes", "--server", api.url, "--token", t.token],
      { env: { ...process.env, NO_COLOR: "1" }, timeout: 60_000 },
    );
    expect(destroy.stdout).toMatch(/team-cli\/staging: destroy succeeded/);
    const destroyedId = /deployment ([0-9a-f-]{36})/.exec(destroy.stdout)?.[1] ?? "";
    expect((await t.store.jobs?.get(destroyedId))?.kind).toBe("destroy");
    let done: DeploymentView | undefined;
    for (let i = 0; i < 100 && done?.state !== "succeeded"; i++) {
      done = (await (await call(t, api.url, `/v1/deployments/${id}`)).json()) as DeploymentView;
      if (done.state !== "succeeded") await delay(100);
    }
    expect(done?.state).toBe("succeeded");
    let revoked: DeploymentView | undefined;
    for (let i = 0; i < 100 && revoked?.state !== "refused"; i++) {
      revoked = (await (await call(t, api.url, `/v1/deployments/${revokedId}`)).json()) as DeploymentView;
      if (revoked.state !== "refused") await delay(100);
    }
    expect(revoked?.state).toBe("refused");
    expect(JSON.stringify(revoked)).toMatch(/revoked/);
    expect(await t.store.getDeployment(revokedId)).toBeUndefined();
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
  }, 90_000);
});
