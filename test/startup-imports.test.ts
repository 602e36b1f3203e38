/**
 * The quick commands load only what they use: `--version`, `--help` and
 * `interpret` must not pull in the engine's heavy parts (drivers, clients,
 * the HTTP server, experts, video). A loader hook records every module the
 * real CLI process loads.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
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
  "/src/experts/",
  "/src/video/",
  "/src/state/",
  "/src/engine/",
  "/src/providers/docker/",
  "/src/providers/kubernetes/",
  "/src/providers/terraform/",
];

function loadedBy(args: readonly string[]): string[] {
  const file = join(mkdtempSync(join(tmpdir(), "codeploy-trace-")), "loaded.txt");
  const home = mkdtempSync(join(tmpdir(), "codeploy-home-"));
  const run = spawnSync(process.execPath, ["--import", tsx, "--import", trace, entry, ...args], {
    cwd: root,
    env: { ...process.env, CODEPLOY_LOAD_TRACE: file, CODEPLOY_HOME: home, CODEPLOY_INTERPRET: "rules" },
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(run.status, run.stderr).toBe(0);
  return readFileSync(file, "utf8").split("\n").filter(Boolean);
}

const heavyIn = (urls: readonly string[]) => urls.filter((u) => HEAVY.some((h) => u.includes(h)));

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
  });

  it("notices a heavy module when a command does load one", () => {
    const urls = loadedBy(["status", "--json"]);
    expect(heavyIn(urls).length).toBeGreaterThan(0);
  });
});
