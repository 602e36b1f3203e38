/**
 * `--plan-id` through the real commands (`main`), on this machine's SQLite store and with
 * `--server` against a listening server, both with the null provider: `plan` prints the planId
 * and the apply that deploys exactly it; `apply --plan-id` runs that plan, and refuses (exit 1,
 * with a hint) the planId of another spec or one made before a deployment that happened since;
 * rollback and destroy show their planId before asking and run only with one that still holds.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../server/logger.js";
import { providerResolver } from "../server/providers.js";
import { type RunningServer, startServer } from "../server/server.js";
import { openStateStore } from "../state/store.js";
import type { StateStore } from "../state/types.js";
import { main } from "./main.js";
import { captureIo } from "./test-io.js";

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "cdp-cli-plan-id-"));
});
afterAll(() => rm(work, { recursive: true, force: true }));

const specYaml = (image: string) =>
  `name: shop\nenvironment: staging\nservices:\n  - name: web\n    image: ${image}\n    port: 80\n`;

/** The planId `plan` printed, and the apply it said to run. */
function planIdOf(out: string): { id: string; apply: string } {
  const id = /^plan id: (\S+)$/m.exec(out)?.[1];
  const apply = /apply exactly this plan: (.+)$/m.exec(out)?.[1];
  if (id === undefined || apply === undefined) throw new Error(`no plan id printed in:\n${out}`);
  return { id, apply };
}

type Cli = (argv: string[]) => Promise<{ code: number; out: string; err: string }>;

/** The same scenario, on this machine or through a server. */
async function scenario(cli: Cli, spec: (name: string) => string) {
  await writeFile(join(work, spec("v1")), specYaml("nginx:1.27"));
  await writeFile(join(work, spec("v2")), specYaml("nginx:1.28"));

  const planned = await cli(["plan", spec("v1")]);
  expect(planned.code).toBe(0);
  const { id, apply } = planIdOf(planned.out);
  expect(id).toMatch(/^apply\./);
  expect(apply).toBe(`codeploy apply ${spec("v1")} --plan-id ${id}`);
  // `plan --json` has it too, the same one.
  expect(JSON.parse((await cli(["plan", spec("v1"), "--json"])).out)).toMatchObject({ planId: id });

  // Another spec with this planId: refused before anything runs or is asked.
  const mismatch = await cli(["apply", spec("v2"), "--yes", "--plan-id", id]);
  expect(mismatch.code).toBe(1);
  expect(mismatch.err).toMatch(/shop\/staging: the planId given was made for another spec/);
  expect(mismatch.err).toMatch(/hint: plan exactly this apply and review it/);

  const applied = await cli(["apply", spec("v1"), "--yes", "--plan-id", id]);
  expect(applied.code).toBe(0);
  expect(applied.out).toMatch(/shop\/staging: succeeded \(revision 1/);

  // A plan reviewed, then someone deploys: the reviewed plan is stale.
  const second = planIdOf((await cli(["plan", spec("v2")])).out).id;
  expect((await cli(["apply", spec("v2"), "--yes"])).code).toBe(0);
  const stale = await cli(["apply", spec("v2"), "--yes", "--plan-id", second]);
  expect(stale.code).toBe(1);
  expect(stale.err).toMatch(/what runs changed since this plan was made/);
  expect(stale.err).toMatch(/hint: plan again/);
  return { id };
}

describe("codeploy --plan-id on this machine", () => {
  const home = () => join(work, "home");
  const cli: Cli = async (argv) => {
    const io = captureIo({ cwd: work, env: { CODEPLOY_HOME: home(), CODEPLOY_ACTOR: "alice" } });
    const code = await main([...argv, ...(argv[0] === "plan" ? [] : ["--provider", "null"])], io);
    return { code, out: io.out(), err: io.err() };
  };

  it("plan prints the planId; apply, rollback and destroy run only the change reviewed", async () => {
    await scenario(cli, (name) => `local-${name}.yaml`);

    // Rollback: shown with its planId before the confirmation (not asked here: no terminal, no --yes: exit 2).
    const shown = await cli(["rollback", "shop", "--env", "staging", "--to", "1"]);
    expect(shown.code).toBe(2);
    const rollbackId = /^plan id: (rollback\.\S+)$/m.exec(shown.out)?.[1] ?? "";
    expect(shown.out).toContain(
      `run exactly this change later: codeploy rollback shop --env staging --to 1 --plan-id ${rollbackId}`,
    );
    // The planId of another revision is another change.
    const other = await cli(["rollback", "shop", "--env", "staging", "--yes", "--plan-id", rollbackId]);
    expect(other).toMatchObject({
      code: 1,
      err: expect.stringMatching(/another app, environment or revision/),
    });
    const rolled = await cli([
      "rollback",
      "shop",
      "--env",
      "staging",
      "--to",
      "1",
      "--yes",
      "--plan-id",
      rollbackId,
    ]);
    expect(rolled.code).toBe(0);
    // Used once: what runs changed, so the same planId is stale now.
    const again = await cli([
      "rollback",
      "shop",
      "--env",
      "staging",
      "--to",
      "1",
      "--yes",
      "--plan-id",
      rollbackId,
    ]);
    expect(again).toMatchObject({ code: 1, err: expect.stringMatching(/PLAN_STALE|what runs changed/) });

    const destroyShown = await cli(["destroy", "shop", "--env", "staging"]);
    const destroyId = /^plan id: (destroy\.\S+)$/m.exec(destroyShown.out)?.[1] ?? "";
    expect(destroyId).not.toBe("");
    expect((await cli(["destroy", "shop", "--env", "staging", "--yes", "--plan-id", rollbackId])).code).toBe(
      1,
    );
    expect((await cli(["destroy", "shop", "--env", "staging", "--yes", "--plan-id", destroyId])).code).toBe(
      0,
    );
  }, 60_000);
});

describe("codeploy --plan-id with --server", () => {
  let store: StateStore;
  let server: RunningServer;
  let admin: string;
  beforeAll(async () => {
    store = await openStateStore({ home: join(work, "server-home") });
    admin = (await store.apiKeys.create({ name: "root", role: "admin", createdBy: "t" })).token;
    server = await startServer({
      store,
      port: 0,
      logger: silentLogger,
      providers: providerResolver({ forced: "null" }),
    });
  });
  afterAll(async () => {
    await server.close(5000);
    await store.close();
  });

  const cli: Cli = async (argv) => {
    const io = captureIo({
      cwd: work,
      env: { CODEPLOY_HOME: join(work, "not-used"), CODEPLOY_SERVER: server.url },
    });
    const code = await main([...argv, "--token", admin], io);
    return { code, out: io.out(), err: io.err() };
  };

  it("sends the planId: a mismatched or stale one is refused with the same errors as on this machine", async () => {
    await scenario(cli, (name) => `remote-${name}.yaml`);
    // Rollback and destroy: the server reviews them (their planId shown before asking) and checks it.
    const shown = await cli(["rollback", "shop", "--env", "staging", "--to", "1"]);
    const rollbackId = /^plan id: (rollback\.\S+)$/m.exec(shown.out)?.[1] ?? "";
    expect(shown.out).toContain(`codeploy rollback shop --env staging --to 1 --plan-id ${rollbackId}`);
    const destroyShown = await cli(["destroy", "shop", "--env", "staging"]);
    expect(destroyShown.out).toMatch(/Destroy shop\/staging: \d+ step/);
    expect(destroyShown.out).toMatch(/^plan id: destroy\./m);
    const rollback = await cli(["rollback", "shop", "--env", "staging", "--yes", "--plan-id", rollbackId]);
    expect(rollback).toMatchObject({ code: 1, err: expect.stringMatching(/planId given was made for/) });
    const destroy = await cli(["destroy", "shop", "--env", "staging", "--yes", "--plan-id", "apply.0.0"]);
    expect(destroy).toMatchObject({ code: 1, err: expect.stringMatching(/another action/) });
    const [status] = (await store.status({ app: "shop", environment: "staging" })) ?? [];
    expect(status?.currentRevision).toBe(2);
    const rolled = await cli([
      "rollback",
      "shop",
      "--env",
      "staging",
      "--to",
      "1",
      "--yes",
      "--plan-id",
      rollbackId,
    ]);
    expect(rolled.code).toBe(0);
    expect((await store.status({ app: "shop", environment: "staging" }))[0]?.currentRevision).toBe(1);
  }, 60_000);
});
