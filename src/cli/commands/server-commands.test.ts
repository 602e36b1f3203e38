/**
 * `codeploy keys ...` on a real store (the key printed once, only its hash
 * kept), and the CLI's `--server` mode against a real listening server:
 * plan, apply with live events, status, history, rollback, and a refusal
 * that comes back as the server's typed error.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../server/logger.js";
import { providerResolver } from "../../server/providers.js";
import { type RunningServer, startServer } from "../../server/server.js";
import { hashApiKey } from "../../state/keys.js";
import { openStateStore } from "../../state/store.js";
import type { StateStore } from "../../state/types.js";
import { captureIo } from "../test-io.js";
import {
  remoteApplyCommand,
  remoteChangeCommand,
  remoteHistoryCommand,
  remotePlanCommand,
  remoteStatusCommand,
  remoteTarget,
} from "./remote.js";
import { registerServeCommands } from "./serve.js";

let work: string;
let home: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "codeploy-cli-server-"));
  home = join(work, "home");
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function run(argv: string[]) {
  const io = captureIo({ cwd: work, env: { CODEPLOY_HOME: home, CODEPLOY_ACTOR: "alice" } });
  const program = new Command("codeploy").option("-c, --config <file>").exitOverride();
  let code = -1;
  registerServeCommands(
    program,
    io,
    (c) => (code = c),
    () => undefined,
  );
  await program.parseAsync(argv, { from: "user" });
  return { code, out: io.out(), err: io.err() };
}

describe("codeploy keys", () => {
  it("creates a key, prints it once, lists it without the secret, revokes and expires", async () => {
    const created = await run([
      "keys",
      "create",
      "--name",
      "ci",
      "--role",
      "deployer",
      "--env",
      "staging",
      "dev",
    ]);
    expect(created.code).toBe(0);
    const token = created.out.trim();
    expect(token).toMatch(/^cdp_[a-z0-9]{12}_[a-f0-9]{64}$/);
    expect(created.err).toMatch(/only time the key is shown/);
    const store = await openStateStore({ home });
    try {
      const [key] = await store.apiKeys.list();
      expect(key).toMatchObject({
        name: "ci",
        role: "deployer",
        environments: ["dev", "staging"],
        createdBy: "alice",
      });
      expect((await store.apiKeys.verify(token))?.id).toBe(key?.id);
      const listed = await run(["keys", "list"]);
      expect(listed.out).toContain("ci");
      expect(listed.out).not.toContain(token.split("_")[2]);
      expect((await run(["keys", "revoke", key?.id ?? ""])).out).toMatch(/revoked/);
      expect(await store.apiKeys.verify(token)).toBeUndefined();
      const other = (await run(["keys", "create", "-n", "tmp", "-r", "viewer", "--json"])).out;
      const { key: tmp, apiKey } = JSON.parse(other) as { key: string; apiKey: { id: string } };
      expect(hashApiKey(tmp)).toHaveLength(64);
      expect((await run(["keys", "expire", apiKey.id])).out).toMatch(/expired/);
      expect(await store.apiKeys.verify(tmp)).toBeUndefined();
      const audit = await store.listAudit();
      expect(audit.map((r) => r.command)).toEqual([
        "keys.create",
        "keys.revoke",
        "keys.create",
        "keys.expire",
      ]);
      expect(JSON.stringify(audit)).not.toContain(token.split("_")[2]);
    } finally {
      await store.close();
    }
  });
});

describe("the CLI with --server", () => {
  let store: StateStore;
  let server: RunningServer;
  let deployer: string;
  beforeAll(async () => {
    store = await openStateStore({ home: join(work, "server-home") });
    deployer = (await store.apiKeys.create({ name: "remote-ci", role: "deployer", createdBy: "t" })).token;
    server = await startServer({
      store,
      port: 0,
      logger: silentLogger,
      providers: providerResolver({ forced: "null", settings: { null: { delayMs: 20 } } }),
    });
  });
  afterAll(async () => {
    await server.close(5000);
    await store.close();
  });

  const io = () => captureIo({ cwd: work, env: {} });

  it("reads --server and --token, else CODEPLOY_SERVER and CODEPLOY_TOKEN", () => {
    expect(remoteTarget(io(), {})).toBeUndefined();
    const env = captureIo({ env: { CODEPLOY_SERVER: "http://127.0.0.1:1", CODEPLOY_TOKEN: "t" } });
    expect(remoteTarget(env, {})).toEqual({ url: "http://127.0.0.1:1", token: "t" });
    expect(() => remoteTarget(io(), { server: "ftp://x" })).toThrow(/not an http/);
  });

  it("plans, applies with live events, shows status and history, rolls back", async () => {
    const target = { url: server.url, token: deployer };
    const specFile = join(work, "shop.yaml");
    await writeFile(
      specFile,
      "name: shop\nenvironment: staging\nservices:\n  - name: web\n    image: nginx:1.27\n    port: 80\n    replicas: 2\n    healthCheck: { path: / }\n",
    );
    const plan = io();
    expect(await remotePlanCommand(plan, target, "shop.yaml", {})).toBe(0);
    expect(plan.out()).toMatch(/Plan for shop in staging/);
    const apply = io();
    expect(await remoteApplyCommand(apply, target, "shop.yaml", { yes: true })).toBe(0);
    expect(apply.out()).toMatch(/succeeded\s+service:web/);
    expect(apply.out()).toMatch(/shop\/staging: apply succeeded \(revision 1/);
    await writeFile(specFile, (await readFile(specFile, "utf8")).replace("nginx:1.27", "nginx:1.28"));
    const second = io();
    expect(await remoteApplyCommand(second, target, "shop.yaml", { yes: true })).toBe(0);
    expect(second.out()).toMatch(/apply succeeded \(revision 2/);
    const status = io();
    await remoteStatusCommand(status, target, "shop", { env: "staging" });
    expect(status.out()).toMatch(/shop\/staging: revision 2 running/);
    const rollback = io();
    expect(
      await remoteChangeCommand(rollback, target, "rollback", "shop", { env: "staging", to: 1, yes: true }),
    ).toBe(0);
    const history = io();
    await remoteHistoryCommand(history, target, "shop", { json: true });
    const { deployments } = JSON.parse(history.out()) as { deployments: { action: string; actor: string }[] };
    expect(deployments[0]).toMatchObject({ action: "rollback", actor: "remote-ci" });
  });

  it("passes the server's refusal on as a typed error (a deployer cannot destroy)", async () => {
    const target = { url: server.url, token: deployer };
    await expect(
      remoteChangeCommand(io(), target, "destroy", "shop", { env: "staging", yes: true }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringMatching(/deployer may not destroy/),
    });
    await expect(remotePlanCommand(io(), { url: server.url }, "x.yaml", {})).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
  });
});
