/**
 * The quick commands load only what they use: `--version`, `--help` and
 * `interpret` must not pull in the engine's heavy parts (drivers, clients,
 * the HTTP server, experts, video); `plan` and `status` load the store but no
 * client, server, experts or video, and `status` no policy, cost or review. A
 * loader hook records every module the real CLI process loads (from source:
 * the bundle bin/codeploy.js runs is built from the same import graph).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");
const tsx = join(root, "node_modules/tsx/dist/esm/index.mjs");
const trace = join(root, "test/fixtures/load-trace/register.mjs");
const entry = join(root, "test/helpers/cli-entry.ts");

const HEAVY = [
  "node_modules/@kubernetes/client-node/",
  "node_modules/dockerode/",
  "node_modules/@photostructure/sqlite/",
  "node_modules/pg/",
  "node_modules/kysely/",
  "node_modules/hono/",
  "node_modules/@hono/",
  "node_modules/ioredis/",
  "node_modules/prom-client/",
  "node_modules/jose/",
  "node_modules/cockatiel/",
  "node_modules/@googleapis/",
  "node_modules/@modelcontextprotocol/",
  "/src/mcp/",
  "/src/server/",
  "/src/dashboard/",
  "/src/experts/",
  "/src/video/",
  "/src/state/",
  "/src/engine/",
  "/src/providers/docker/",
  "/src/providers/kubernetes/",
  "/src/providers/terraform/",
];

/** What no command that reads or plans against the store needs: clients, the server, experts, video. */
const NEVER_FOR_PLAN = [
  "node_modules/@kubernetes/client-node/",
  "node_modules/dockerode/",
  "node_modules/pg/",
  "node_modules/hono/",
  "node_modules/@hono/",
  "node_modules/ioredis/",
  "node_modules/prom-client/",
  "node_modules/jose/",
  "node_modules/@googleapis/",
  "/src/server/",
  "/src/experts/",
  "/src/video/",
];
/** `status` reviews nothing: no policy rules, cost model or review either. */
const NEVER_FOR_STATUS = [...NEVER_FOR_PLAN, "/src/policy/", "/src/cost/", "/src/review/"];

function loadedBy(args: readonly string[], home = mkdtempSync(join(tmpdir(), "codeploy-home-"))): string[] {
  const file = join(mkdtempSync(join(tmpdir(), "codeploy-trace-")), "loaded.txt");
  const run = spawnSync(process.execPath, ["--import", tsx, "--import", trace, entry, ...args], {
    cwd: root,
    env: { ...process.env, CODEPLOY_LOAD_TRACE: file, CODEPLOY_HOME: home, CODEPLOY_INTERPRET: "rules" },
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(run.status, run.stderr).toBe(0);
  return readFileSync(file, "utf8").split("\n").filter(Boolean);
}

const heavyIn = (urls: readonly string[], heavy: readonly string[] = HEAVY) =>
  urls.filter((u) => heavy.some((h) => u.includes(h)));

describe("what the quick commands load", () => {
  it("--version loads no heavy module", () => {
    const urls = loadedBy(["--version"]);
    expect(urls.some((u) => u.includes("/src/cli/main.ts"))).toBe(true);
    expect(heavyIn(urls)).toEqual([]);
  });

  it("--help loads no heavy module", () => {
    expect(heavyIn(loadedBy(["--help"]))).toEqual([]);
  });

  it("interpret loads the interpreter and no heavy module", () => {
    const urls = loadedBy(["interpret", "deploy the shop with postgres 16 to staging", "--json"]);
    expect(urls.some((u) => u.includes("/src/intent/"))).toBe(true);
    expect(heavyIn(urls)).toEqual([]);
    // CODEPLOY_INTERPRET=rules outranks codeploy.yaml: the configuration (its schema) is not read.
    expect(urls.filter((u) => u.includes("/src/core/config.ts"))).toEqual([]);
    // cron-parser (with luxon) loads when a schedule is checked, and these words have none.
    expect(urls.filter((u) => u.includes("node_modules/cron-parser/"))).toEqual([]);
  });

  it("plan loads the store and the renderers, and no client, server, experts or video", () => {
    const home = mkdtempSync(join(tmpdir(), "codeploy-home-"));
    const spec = join(home, "small.yaml");
    writeFileSync(
      spec,
      "name: shop\nenvironment: staging\nservices:\n  - name: web\n    image: nginx:1.27\n",
    );
    const urls = loadedBy(["plan", spec, "--json"], home);
    expect(urls.some((u) => u.includes("/src/render/"))).toBe(true);
    expect(urls.some((u) => u.includes("/src/state/"))).toBe(true);
    expect(heavyIn(urls, NEVER_FOR_PLAN)).toEqual([]);
  });

  it("status reads the store and loads no policy, cost, review, client or server", () => {
    const home = mkdtempSync(join(tmpdir(), "codeploy-home-"));
    loadedBy(["status"], home); // the first run creates the store; measure the usual one
    const urls = loadedBy(["status"], home);
    expect(urls.some((u) => u.includes("/src/state/"))).toBe(true);
    expect(heavyIn(urls, NEVER_FOR_STATUS)).toEqual([]);
  });

  it("notices a heavy module when a command does load one", () => {
    const urls = loadedBy(["status", "--json"]);
    expect(heavyIn(urls).length).toBeGreaterThan(0);
  });
});
