/**
 * The quick commands load only what they use: `--version`, `--help` and
 * `interpret` must not pull in the engine's heavy parts (drivers, clients,
 * the HTTP server, experts, video); `plan` and `status` load the store but no
 * client, server, experts or video, and `status` no policy, cost or review. A
 * loader hook records every module the real CLI process loads (from source:
 * the bundle bin/codeploy.js runs is built from the same import graph).
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
const bin = join(root, "bin/codeploy.js");
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

interface BundleMeta {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

/** The inputs (dist/ files and packages) in the bundle chunks that `bin/codeploy.js args` loads. */
function bundledInputsLoadedBy(args: readonly string[], home: string): string[] {
  const file = join(mkdtempSync(join(tmpdir(), "codeploy-trace-")), "loaded.txt");
  const run = spawnSync(process.execPath, ["--import", trace, bin, ...args], {
    cwd: root,
    env: { ...process.env, CODEPLOY_LOAD_TRACE: file, CODEPLOY_HOME: home, CODEPLOY_INTERPRET: "rules" },
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(run.status, run.stderr).toBe(0);
  const meta = JSON.parse(readFileSync(bundleMeta, "utf8")) as BundleMeta;
  const chunks = readFileSync(file, "utf8")
    .split("\n")
    .filter((u) => u.includes("/dist/bundle/"))
    .map((u) => `dist/bundle/${u.slice(u.lastIndexOf("/") + 1)}`);
  expect(chunks.length).toBeGreaterThan(0);
  return chunks.flatMap((chunk) => {
    const output = meta.outputs[chunk];
    expect(output, `${chunk} is not in dist/bundle-meta.json: rebuild`).toBeDefined();
    return Object.keys(output?.inputs ?? {});
  });
}

/**
 * The bundle itself (what users run): without codeploy.yaml the configuration's
 * defaults come from beside the bundle, so `status` builds no zod schema at all,
 * and `plan FILE` makes no provider and reads no interpreter.
 */
describe.runIf(existsSync(bundleMeta))("what the bundled commands load", () => {
  it("--version loads no bundle chunk at all (the launcher answers)", () => {
    const file = join(mkdtempSync(join(tmpdir(), "codeploy-trace-")), "loaded.txt");
    const run = spawnSync(process.execPath, ["--import", trace, bin, "--version"], {
      env: { ...process.env, CODEPLOY_LOAD_TRACE: file },
      encoding: "utf8",
    });
    expect(run.status, run.stderr).toBe(0);
    expect(
      readFileSync(file, "utf8")
        .split("\n")
        .filter((u) => u.includes("/dist/bundle/")),
    ).toEqual([]);
  });

  it("status on an empty store loads no zod, YAML, spec schema, engine, provider or interpreter", () => {
    const home = mkdtempSync(join(tmpdir(), "codeploy-home-"));
    bundledInputsLoadedBy(["status"], home); // creates the store
    const inputs = bundledInputsLoadedBy(["status"], home);
    expect(inputs.some((i) => i.startsWith("dist/state/"))).toBe(true);
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
    expect(inputs.filter((i) => never.some((n) => i.startsWith(n)))).toEqual([]);
  });

  it("plan FILE loads the spec schema and policy, and no provider, engine, interpreter or cron-parser", () => {
    const home = mkdtempSync(join(tmpdir(), "codeploy-home-"));
    const spec = join(home, "small.yaml");
    writeFileSync(
      spec,
      "name: shop\nenvironment: staging\nservices:\n  - name: web\n    image: nginx:1.27\n",
    );
    const inputs = bundledInputsLoadedBy(["plan", spec, "--json"], home);
    expect(inputs).toContain("dist/spec/schema.js");
    expect(inputs.some((i) => i.startsWith("dist/policy/"))).toBe(true);
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
    ];
    expect(inputs.filter((i) => never.some((n) => i.startsWith(n)))).toEqual([]);
  });
});
