/**
 * `codeploy keys ...` on a real store (the key printed once, only its hash
 * kept), and the CLI's `--server` mode against a real listening server:
 * plan, apply with live events, status, history, rollback, keys, audit and
 * unlock through the server, a refusal that comes back as the server's typed
 * error, and commands that act on this machine refused with a server named.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../server/logger.js";
import { providerResolver } from "../../server/providers.js";
import { type RunningServer, startServer } from "../../server/server.js";
import { loadAuditKeyring } from "../../state/audit-key.js";
import { hashApiKey } from "../../state/keys.js";
import { openStateStore } from "../../state/store.js";
import type { StateStore } from "../../state/types.js";
import { main } from "../main.js";
import { remoteTarget, withService } from "../service.js";
import { captureIo } from "../test-io.js";
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
    (fn) => withService(io, undefined, {}, fn),
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

  const remote = async (argv: string[], token?: string) => {
    const io = captureIo({
      cwd: work,
      env: { CODEPLOY_HOME: join(work, "not-used"), CODEPLOY_SERVER: server.url },
    });
    const code = await main([...argv, ...(token ? ["--token", token] : [])], io);
    return { code, out: io.out(), err: io.err() };
  };

  it("plans, applies with live events, shows status and history, rolls back", async () => {
    const specFile = join(work, "shop.yaml");
    await writeFile(
      specFile,
      "name: shop\nenvironment: staging\nservices:\n  - name: web\n    image: nginx:1.27\n    port: 80\n    replicas: 2\n    healthCheck: { path: / }\n",
    );
    const plan = await remote(["plan", "shop.yaml"], deployer);
    expect(plan.code).toBe(0);
    expect(plan.out).toMatch(/Plan for shop in staging/);
    const apply = await remote(["apply", "shop.yaml", "--yes"], deployer);
    expect(apply).toMatchObject({ code: 0 });
    expect(apply.out).toMatch(/service:web/);
    expect(apply.out).toMatch(/shop\/staging: succeeded \(revision 1/);
    await writeFile(specFile, (await readFile(specFile, "utf8")).replace("nginx:1.27", "nginx:1.28"));
    const second = await remote(["apply", "shop.yaml", "--yes"], deployer);
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/succeeded \(revision 2/);
    const status = await remote(["status", "shop", "--env", "staging"], deployer);
    expect(status.out).toMatch(/shop\/staging: revision 2 running/);
    const rollback = await remote(["rollback", "shop", "--env", "staging", "--to", "1", "--yes"], deployer);
    expect(rollback.code).toBe(0);
    const history = await remote(["history", "shop", "--json"], deployer);
    const { deployments } = JSON.parse(history.out) as { deployments: { action: string; actor: string }[] };
    expect(deployments[0]).toMatchObject({ action: "rollback", actor: "key:remote-ci" });
  });

  it("passes the server's refusal on as a typed error (a deployer cannot destroy)", async () => {
    const destroy = await remote(["destroy", "shop", "--env", "staging", "--yes"], deployer);
    expect(destroy).toMatchObject({ code: 1, err: expect.stringMatching(/deployer may not destroy/) });
    const anonymous = await remote(["plan", "x.yaml"]);
    expect(anonymous.err).toMatch(/UNAUTHENTICATED|file not found/);
  });
});

describe("the whole CLI with --server: keys, audit and unlock act on the server's store", () => {
  let store: StateStore;
  let server: RunningServer;
  let admin: string;
  let deployer: string;
  const localHome = () => join(work, "local-home");
  beforeAll(async () => {
    const serverHome = join(work, "admin-server-home");
    // As `codeploy serve` opens it: the key from CODEPLOY_AUDIT_KEY, the anchor in its home.
    store = await openStateStore({
      home: serverHome,
      audit: loadAuditKeyring(serverHome, { CODEPLOY_AUDIT_KEY: "a-server-audit-key-of-40-characters-long" }),
    });
    admin = (await store.apiKeys.create({ name: "root", role: "admin", createdBy: "t" })).token;
    deployer = (await store.apiKeys.create({ name: "ci", role: "deployer", createdBy: "t" })).token;
    server = await startServer({ store, port: 0, logger: silentLogger, providers: providerResolver({}) });
  });
  afterAll(async () => {
    await server.close(5000);
    await store.close();
  });

  const cli = async (argv: string[], token = admin) => {
    const io = captureIo({ cwd: work, env: { CODEPLOY_HOME: localHome(), CODEPLOY_SERVER: server.url } });
    const code = await main([...argv, "--token", token], io);
    return { code, out: io.out(), err: io.err() };
  };

  it("creates, lists, expires and revokes keys on the server, audited under the token's name", async () => {
    const created = await cli(["keys", "create", "-n", "bot", "-r", "viewer", "-e", "dev", "--json"]);
    expect(created.code).toBe(0);
    const { key, apiKey } = JSON.parse(created.out) as { key: string; apiKey: { id: string } };
    expect((await store.apiKeys.verify(key))?.name).toBe("bot");
    expect((await cli(["keys", "list"])).out).toMatch(/bot\s+viewer\s+active\s+environments: dev/);
    expect((await cli(["keys", "expire", apiKey.id])).out).toMatch(/"bot": expired/);
    expect(await store.apiKeys.verify(key)).toBeUndefined();
    expect((await cli(["keys", "revoke", apiKey.id])).out).toMatch(/"bot": revoked/);
    const refused = await cli(["keys", "list"], deployer);
    expect(refused).toMatchObject({
      code: 1,
      err: expect.stringMatching(/deployer may not manage API keys/),
    });
    const records = await store.listAudit();
    expect(records.filter((r) => r.command.startsWith("api:keys.")).map((r) => [r.actor, r.command])).toEqual(
      [
        ["key:root", "api:keys.create"],
        ["key:root", "api:keys.expire"],
        ["key:root", "api:keys.revoke"],
      ],
    );
    // Nothing went to a store on this machine.
    const local = await openStateStore({ home: localHome() });
    try {
      expect(await local.apiKeys.list()).toEqual([]);
    } finally {
      await local.close();
    }
  });

  it("lists and verifies the server's audit log", async () => {
    const listed = await cli(["audit", "list", "-n", "2", "--json"]);
    const { records } = JSON.parse(listed.out) as { records: { command: string; actor: string }[] };
    expect(records.map((r) => r.command)).toEqual(["api:keys.revoke", "api:keys.expire"]);
    expect((await cli(["audit", "verify"], deployer)).out).toMatch(/audit log intact: \d+ record/);
    expect((await cli(["audit", "list"], deployer)).err).toMatch(/may not read the audit log/);
  });

  it("prints the server's audit head (admins) and verifies against it", async () => {
    const head = await cli(["audit", "head"]);
    expect(head.code).toBe(0);
    const text = head.out.trim();
    expect(text).toMatch(/^\d+:[0-9a-f]{64}$/);
    expect(await store.auditHead()).toMatchObject({ seq: Number(text.split(":")[0]) });
    const ok = await cli(["audit", "verify", "--head", text], deployer);
    expect(ok).toMatchObject({ code: 0, out: expect.stringMatching(/keyed chain verified.*anchor matched/) });
    const forged = `${text.split(":")[0]}:${"0".repeat(64)}`;
    const bad = await cli(["audit", "verify", "--head", forged], deployer);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/TAMPERED: .*not the one the given head holds/);
    expect((await cli(["audit", "head"], deployer)).err).toMatch(/may not read the audit log/);
  });

  it("frees a lock whose holder died, and says so when there was none", async () => {
    await store.acquireLock(
      { app: "shop", environment: "dev" },
      { actor: "gone", host: "elsewhere", pid: 1 },
    );
    // Another host, fresh lease: alive as far as anyone can tell. Refused, naming it, unless --force.
    const refused = await cli(["unlock", "shop", "--env", "dev"]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("shop/dev is held by gone (pid 1 on elsewhere), which is still running");
    expect((await store.listAudit({ newestFirst: true, limit: 1 }))[0]).toMatchObject({
      command: "api:unlock",
      outcome: "refused",
      details: { status: 409, error: "LOCK_HELD", force: false },
    });
    const freed = await cli(["unlock", "shop", "--env", "dev", "--force"]);
    expect(freed).toMatchObject({
      code: 0,
      out: expect.stringMatching(/unlocked shop\/dev \(was held by gone/),
    });
    expect(await store.getLock({ app: "shop", environment: "dev" })).toBeUndefined();
    expect((await cli(["unlock", "shop", "--env", "dev"])).out).toMatch(/shop\/dev was not locked/);
    expect((await store.listAudit({ newestFirst: true, limit: 2 }))[1]).toMatchObject({
      actor: "key:root",
      command: "api:unlock",
      target: "shop/dev",
      outcome: "ok",
      details: { force: true, freed: true, holder: "gone" },
    });
  });

  it("refuses commands that act on this machine (usage error) instead of running them here", async () => {
    for (const argv of [
      ["logs", "shop", "--env", "dev"],
      ["terraform", "plan", work],
    ]) {
      const r = await cli(argv);
      expect(r, argv.join(" ")).toMatchObject({
        code: 2,
        err: expect.stringMatching(/runs on this machine only/),
      });
    }
  });
});
