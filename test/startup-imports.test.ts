/**
 * The quick commands load only what they use: `--version`, `--help` and
 * `interpret` must not pull in the engine's heavy parts (drivers, clients,
 * the HTTP server, experts, video); `plan` and `status` load the store but no
 * client, server, experts or video, and `status` no policy, cost or review. A
 * loader hook records every module the real CLI process loads (from source:
 * the bundle bin/codeploy.cjs runs is built from the same import graph).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");
const tsx = join(root, "node_modules/tsx/dist/esm/index.mjs");
const trace = join(root, "test/fixtures/load-trace/register.mjs");
const entry = join(root, "test/helpers/cli-entry.ts");
const bin = join(root, "bin/codeploy.cjs");
const bundleMeta = join(root, "dist/bundle-meta.json");

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
    // The answer is JSON and there is no base file: the YAML library is not read.
    expect(urls.filter((u) => u.includes("node_modules/yaml/"))).toEqual([]);
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

const bundleTrace = join(root, "test/fixtures/load-trace/bundle-trace.cjs");

/**
 * What `bin/codeploy.cjs args` evaluates of the bundle (dist/ files and bundled
 * packages, as the bundle reports them) and loads beside it (`require:` and
 * `file:` lines of the packages left in node_modules).
 */
function bundleLoadsOf(args: readonly string[], home: string, cache = join(home, "code-cache")) {
  const file = join(mkdtempSync(join(tmpdir(), "codeploy-trace-")), "loaded.txt");
  const run = spawnSync(process.execPath, ["--require", bundleTrace, "--import", trace, bin, ...args], {
    cwd: root,
    env: {
      ...process.env,
      CODEPLOY_LOAD_TRACE: file,
      CODEPLOY_HOME: home,
      CODEPLOY_INTERPRET: "rules",
      CODEPLOY_CODE_CACHE: cache,
    },
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(run.status, run.stderr).toBe(0);
  const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
  return {
    evaluated: lines.filter((l) => l.startsWith("bundle:")).map((l) => l.slice("bundle:".length)),
    outside: lines.filter((l) => !l.startsWith("bundle:")),
  };
}

/** Twice: the first run fills the code cache (and creates the store), the second is the usual one. */
function usualBundleLoadsOf(args: readonly string[], home = mkdtempSync(join(tmpdir(), "codeploy-home-"))) {
  bundleLoadsOf(args, home);
  return bundleLoadsOf(args, home);
}

const startingWith = (names: readonly string[], prefixes: readonly string[]) =>
  names.filter((n) => prefixes.some((p) => n.startsWith(p)));

/** The bundle's names for HEAVY: our folders under dist/, and the packages bundled or loaded beside it. */
const HEAVY_IN_BUNDLE = HEAVY.map((h) => (h.startsWith("/src/") ? `dist/${h.slice("/src/".length)}` : h));

/**
 * The bundle itself (what users run): each command evaluates only the modules
 * it uses, though they all sit in one file; without codeploy.yaml the
 * configuration's defaults come from beside the bundle, so `status` builds no
 * zod schema at all, and `plan FILE` makes no provider and reads no interpreter.
 */
describe.runIf(existsSync(bundleMeta))("what the bundled commands evaluate", () => {
  it("--version evaluates nothing of the bundle (the launcher answers)", () => {
    const { evaluated, outside } = bundleLoadsOf(
      ["--version"],
      mkdtempSync(join(tmpdir(), "codeploy-home-")),
    );
    expect(evaluated).toEqual([]);
    expect(heavyIn(outside)).toEqual([]);
  });

  it("--help evaluates the command table and nothing heavy, then nothing at all (the text is kept)", () => {
    const home = mkdtempSync(join(tmpdir(), "codeploy-home-"));
    const first = bundleLoadsOf(["--help"], home);
    expect(first.evaluated).toContain("dist/cli/main.js");
    expect(startingWith(first.evaluated, HEAVY_IN_BUNDLE)).toEqual([]);
    expect(
      startingWith(first.evaluated, ["node_modules/zod/", "node_modules/yaml/", "dist/intent/"]),
    ).toEqual([]);
    expect(bundleLoadsOf(["--help"], home).evaluated).toEqual([]);
  });

  it("interpret evaluates the interpreter and nothing heavy, no YAML and no configuration schema", () => {
    const { evaluated, outside } = usualBundleLoadsOf([
      "interpret",
      "deploy the shop with postgres 16 to staging",
      "--json",
    ]);
    expect(evaluated.some((n) => n.startsWith("dist/intent/"))).toBe(true);
    expect(startingWith(evaluated, HEAVY_IN_BUNDLE)).toEqual([]);
    expect(heavyIn(outside)).toEqual([]);
    expect(
      startingWith(evaluated, ["node_modules/yaml/", "node_modules/cron-parser/", "dist/core/config.js"]),
    ).toEqual([]);
  });

  it("status on an empty store evaluates no zod, YAML, spec schema, engine, provider or interpreter", () => {
    const { evaluated, outside } = usualBundleLoadsOf(["status"]);
    expect(evaluated.some((n) => n.startsWith("dist/state/"))).toBe(true);
    const never = [
      "node_modules/zod/",
      "node_modules/yaml/",
      "node_modules/cockatiel/",
      "dist/core/config.js",
      "dist/spec/schema.js",
      "dist/engine/deploy.js",
      // providers/names.js (the list of names) is all `status` may read of the providers.
      "dist/providers/index.js",
      "dist/providers/settings.js",
      "dist/providers/docker/",
      "dist/providers/kubernetes/",
      "dist/providers/terraform/",
      "dist/intent/",
      "dist/render/index.js",
      "dist/policy/",
    ];
    expect(startingWith(evaluated, never)).toEqual([]);
    expect(heavyIn(outside, NEVER_FOR_STATUS)).toEqual([]);
  });

  it("plan FILE evaluates the spec schema and policy, and no provider, engine, interpreter or cron-parser", () => {
    const home = mkdtempSync(join(tmpdir(), "codeploy-home-"));
    const spec = join(home, "small.yaml");
    writeFileSync(
      spec,
      "name: shop\nenvironment: staging\nservices:\n  - name: web\n    image: nginx:1.27\n",
    );
    const { evaluated, outside } = usualBundleLoadsOf(["plan", spec, "--json"], home);
    expect(evaluated).toContain("dist/spec/schema.js");
    expect(evaluated.some((n) => n.startsWith("dist/policy/"))).toBe(true);
    const never = [
      "node_modules/cockatiel/",
      "node_modules/cron-parser/",
      "node_modules/luxon/",
      "dist/engine/deploy.js",
      "dist/providers/docker/",
      "dist/providers/kubernetes/",
      "dist/providers/terraform/",
      "dist/intent/",
      "dist/core/config.js",
      "dist/server/",
      "dist/experts/",
      "dist/video/",
    ];
    expect(startingWith(evaluated, never)).toEqual([]);
    expect(heavyIn(outside, NEVER_FOR_PLAN)).toEqual([]);
    // And the check can fail: plan does evaluate what interpret must not (the store).
    expect(startingWith(evaluated, HEAVY_IN_BUNDLE).length).toBeGreaterThan(0);
  });
});
