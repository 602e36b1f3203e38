/**
 * One scenario suite, four surfaces: the same operations through the local
 * service, the HTTP service (a `codeploy serve` on the same store), the CLI
 * run locally and the CLI with --server, against a real podman engine. The
 * answers must agree: what divergent copies used to get wrong (a local plan
 * after apply showing `+ create`, status reading different endpoints,
 * `--provider` retargeting only locally, no stdin through a server) is held
 * here by construction.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { openLocalService } from "../src/cli/local-service.js";
import { main } from "../src/cli/main.js";
import { captureIo } from "../src/cli/test-io.js";
import { configSchema } from "../src/core/config.js";
import { type FakeLlmServer, startFakeLlmServer } from "../src/llm/__fixtures__/fake-llm-server.js";
import { serverConfig } from "../src/server/__fixtures__/harness.js";
import { silentLogger } from "../src/server/logger.js";
import { providerResolver } from "../src/server/providers.js";
import { type RunningServer, startServer } from "../src/server/server.js";
import { createApiClient } from "../src/service/api-client.js";
import { createHttpService } from "../src/service/http.js";
import type { CodeService, PlanAnswer, StatusAnswer } from "../src/service/types.js";
import { loadAuditKeyring } from "../src/state/audit-key.js";
import { openStateStore } from "../src/state/index.js";
import type { StateStore } from "../src/state/types.js";
import { startPodman, TEST_IMAGES } from "./helpers/podman.js";

const root = resolve(import.meta.dirname, "..");
const pm = await startPodman();

const spec = {
  name: "scn",
  environment: "staging",
  target: "docker",
  services: [
    {
      name: "web",
      image: TEST_IMAGES.v1,
      port: 8080,
      replicas: 2,
      public: true,
      healthCheck: { path: "/healthz" },
    },
  ],
};

interface Surface {
  readonly name: string;
  plan(argv: string[]): Promise<PlanAnswer>;
  status(app: string): Promise<StatusAnswer>;
}

describe.skipIf(!pm)("one service, four surfaces", () => {
  let work: string;
  let home: string;
  let store: StateStore;
  let server: RunningServer;
  let token: string;
  let local: { service: CodeService; close: () => Promise<void> };
  let http: CodeService;
  let llm: FakeLlmServer;
  const docker = () => ({
    host: pm?.host ?? "unix:///nonexistent",
    healthTimeoutMs: 15_000,
    stopTimeoutSeconds: 1,
    pullTimeoutMs: 10_000,
  });
  const env = () => ({ CODEPLOY_HOME: home, DOCKER_HOST: pm?.host ?? "", CODEPLOY_ACTOR: "alice" });

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "cdp-scenarios-"));
    home = join(work, "home");
    await writeFile(join(work, "scn.yaml"), stringify(spec));
    llm = await startFakeLlmServer((req) => ({
      object: { answer: `answer of ${req.model}`, points: ["Back up postgres daily"] },
      usage: { input: 100, output: 50 },
    }));
    const experts = {
      members: [{ name: "local", provider: "ollama", model: "llama3.1", baseUrl: llm.baseUrl }],
    };
    await writeFile(
      join(work, "codeploy.yaml"),
      stringify({ providers: { docker: { healthTimeoutSeconds: 15 } }, experts }),
    );
    local = await openLocalService(captureIo({ cwd: work, env: env() }), {});
    // The server shares the store (SQLite in the same home, the same audit key) as a team's would.
    store = await openStateStore({ home, audit: loadAuditKeyring(home, {}) });
    token = (await store.apiKeys.create({ name: "ops", role: "admin", createdBy: "test" })).token;
    server = await startServer({
      store,
      port: 0,
      logger: silentLogger,
      config: serverConfig({ requestProviders: ["docker", "null"] }),
      providers: providerResolver({ requestable: ["docker", "null"], settings: { docker: docker() } }),
      experts: { config: configSchema.parse({ experts }).experts, env: {} },
    });
    http = createHttpService(createApiClient({ baseUrl: server.url, token }), server.url);
  }, 120_000);

  afterAll(async () => {
    await local?.service.destroy({ app: "scn", environment: "staging" }).then(
      (c) => c.run(),
      () => undefined,
    );
    await local?.close();
    await server?.close(5000);
    await store?.close();
    await llm?.close();
    await rm(work, { recursive: true, force: true });
  });

  const cli = async (argv: string[], remote: boolean) => {
    const io = captureIo({
      cwd: work,
      env: { ...env(), ...(remote ? { CODEPLOY_SERVER: server.url, CODEPLOY_TOKEN: token } : {}) },
    });
    const code = await main(argv, io);
    return { code, out: io.out(), err: io.err() };
  };
  const cliSurface = (remote: boolean): Surface => ({
    name: remote ? "cli --server" : "cli",
    plan: async (argv) => JSON.parse((await cli(["plan", ...argv, "--json"], remote)).out) as PlanAnswer,
    status: async (app) => JSON.parse((await cli(["status", app, "--json"], remote)).out) as StatusAnswer,
  });
  const serviceSurface = (name: string, service: () => CodeService): Surface => ({
    name,
    plan: (argv) => {
      const [input = "", ...flags] = argv;
      const provider = flags[flags.indexOf("--provider") + 1];
      return service().plan({
        input: input.endsWith(".yaml") ? { spec: { ...spec, ...fileOverrides[input] } } : { text: input },
        ...(flags.includes("--provider") && provider ? { provider } : {}),
      });
    },
    status: (app) => service().status({ app, live: true }),
  });
  const fileOverrides: Record<string, Partial<typeof spec>> = {
    "scn.yaml": {},
    "scn-k8s.yaml": { target: "kubernetes" },
  };
  const surfaces = (): Surface[] => [
    serviceSurface("local service", () => local.service),
    serviceSurface("http service", () => http),
    cliSurface(false),
    cliSurface(true),
  ];

  it("plans after an apply show no changes on every surface, and a second apply changes nothing", async () => {
    const change = await local.service.apply({ input: { spec } });
    expect(change.changes).toBe(true);
    expect((await change.run()).outcome).toBe("succeeded");
    const plans = await Promise.all(surfaces().map((s) => s.plan(["scn.yaml"])));
    for (const [i, plan] of plans.entries()) {
      expect(plan.steps.length, surfaces()[i]?.name).toBeGreaterThan(0);
      expect(
        plan.steps.filter((s) => s.action !== "noop"),
        surfaces()[i]?.name,
      ).toEqual([]);
      expect(plan.steps).toEqual(plans[0]?.steps);
    }
    expect((await local.service.apply({ input: { spec } })).changes).toBe(false);
    expect((await http.apply({ input: { spec } })).changes).toBe(false);
    for (const remote of [false, true]) {
      const again = await cli(["apply", "scn.yaml", "--yes", "--json"], remote);
      expect(again.code, again.err).toBe(0);
      expect(JSON.parse(again.out.trim().split("\n").at(-1) ?? "{}")).toMatchObject({
        type: "result",
        outcome: "unchanged",
        revision: 1,
      });
    }
  }, 120_000);

  it("shows the same status and the same endpoints everywhere, and they answer", async () => {
    // One after the other: four live observations at once of a loaded engine can pass the deadline.
    const answers: StatusAnswer[] = [];
    for (const s of surfaces()) answers.push(await s.status("scn"));
    const [first] = answers;
    expect(first?.environments).toHaveLength(1);
    const endpoints = first?.environments[0]?.endpoints ?? [];
    expect(endpoints.length).toBeGreaterThan(0);
    for (const [i, answer] of answers.entries()) {
      const e = answer.environments[0];
      expect(e?.endpoints, surfaces()[i]?.name).toEqual(endpoints);
      expect(e?.currentRevision).toBe(1);
      expect(e?.serviceEndpoints?.web?.length, `${surfaces()[i]?.name}: ${JSON.stringify(e)}`).toBe(2);
      expect(e?.problems).toEqual([]);
    }
    for (const url of endpoints) expect((await (await fetch(url)).text()).trim()).toBe("v1");
  }, 60_000);

  it("retargets with --provider on every surface: the plan shows what that provider deploys", async () => {
    await writeFile(join(work, "scn-k8s.yaml"), stringify({ ...spec, target: "kubernetes" }));
    const plans = await Promise.all(surfaces().map((s) => s.plan(["scn-k8s.yaml", "--provider", "docker"])));
    for (const [i, plan] of plans.entries()) {
      expect(plan.target, surfaces()[i]?.name).toBe("docker");
      expect(plan.artifacts).toContain("compose.yaml");
      // The docker deployment runs: against it, nothing to change.
      expect(plan.steps.filter((s) => s.action !== "noop")).toEqual([]);
    }
    const plain = await Promise.all(surfaces().map((s) => s.plan(["scn-k8s.yaml"])));
    for (const plan of plain) expect(plan.target).toBe("kubernetes");
  }, 60_000);

  it("reads a spec from standard input, run locally and through the server alike", async () => {
    const viaStdin = (remote: boolean) =>
      new Promise<{ code: number | null; out: string; err: string }>((done) => {
        const child = spawn(
          process.execPath,
          [
            "--import",
            pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href,
            join(root, "test/helpers/cli-entry.ts"),
            "plan",
            "-",
            "--json",
          ],
          {
            cwd: work,
            env: {
              ...process.env,
              ...env(),
              ...(remote ? { CODEPLOY_SERVER: server.url, CODEPLOY_TOKEN: token } : {}),
            },
          },
        );
        let out = "";
        let err = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
        });
        child.stderr.on("data", (d: Buffer) => {
          err += d.toString();
        });
        child.on("close", (code) => done({ code, out, err }));
        child.stdin.end(stringify({ ...spec, services: [{ ...spec.services[0], replicas: 3 }] }));
      });
    const [here, there] = await Promise.all([viaStdin(false), viaStdin(true)]);
    expect(here.code, here.err).toBe(0);
    expect(there.code, there.err).toBe(0);
    const a = JSON.parse(here.out) as PlanAnswer;
    const b = JSON.parse(there.out) as PlanAnswer;
    expect(a.steps).toEqual(b.steps);
    expect(a.steps.filter((s) => s.action === "update").map((s) => s.id)).toEqual(["service:web"]);
  }, 60_000);

  it("amends what runs when the words name it, on every surface", async () => {
    const plans = await Promise.all(surfaces().map((s) => s.plan(["scale scn to 3 replicas in staging"])));
    for (const [i, plan] of plans.entries()) {
      expect(plan.assumptions, surfaces()[i]?.name).toContain("amending scn in staging as it runs now");
      expect(plan.spec.services[0]?.replicas).toBe(3);
      expect(plan.spec.services[0]?.image).toBe(TEST_IMAGES.v1);
      expect(plan.steps.filter((s) => s.action !== "noop").map((s) => s.id)).toEqual(["service:web"]);
    }
  }, 60_000);

  it("asks the Circle of Experts on every surface: one store, one cache, the same consultation", async () => {
    const question = "How should scn back up postgres?";
    const first = await local.service.experts.ask({ question });
    expect(first.cached).toBe(false);
    const viaHttp = await http.experts.ask({ question });
    const viaCli = JSON.parse((await cli(["experts", "ask", question, "--json"], false)).out) as typeof first;
    const viaRemote = JSON.parse(
      (await cli(["experts", "ask", question, "--json"], true)).out,
    ) as typeof first;
    for (const answer of [viaHttp, viaCli, viaRemote]) {
      expect(answer.cached).toBe(true);
      expect(answer.consensus.points.map((p) => p.text)).toEqual(first.consensus.points.map((p) => p.text));
    }
    const local4 = await local.service.experts.history({ limit: 10 });
    const remote4 = await http.experts.history({ limit: 10 });
    expect(remote4.map((c) => c.id)).toEqual(local4.map((c) => c.id));
    expect(local4.filter((c) => c.question === question)).toHaveLength(4);
    const shown = JSON.parse((await cli(["experts", "show", first.id, "--json"], true)).out) as typeof first;
    expect(shown.answers[0]?.text).toBe("answer of llama3.1");
  });

  it("destroys through the server and every surface then sees nothing running", async () => {
    const change = await http.destroy({ app: "scn", environment: "staging" });
    expect((await change.run()).outcome).toBe("succeeded");
    for (const s of surfaces()) {
      const status = await s.status("scn");
      expect(status.environments[0]?.currentRevision, s.name).toBeUndefined();
      expect(status.environments[0]?.endpoints).toEqual([]);
    }
  }, 60_000);
});
