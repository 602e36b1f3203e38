/**
 * bin/codeploy.cjs runs the esbuild bundle of dist/ (scripts/bundle-cli.mjs)
 * from V8's code cache.
 * What a bundle can break and source tests cannot see: one copy of zod shared
 * with hono's OpenAPI layer (which extends zod's prototype), the planner
 * worker found beside the chunks, the package version read from package.json.
 * So `codeploy serve` runs from the bundle and the bundled CLI plans through it.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const bin = join(root, "bin/codeploy.cjs");
const home = mkdtempSync(join(tmpdir(), "cdp-bundle-"));
const env = { ...process.env, CODEPLOY_HOME: home, CODEPLOY_INTERPRET: "rules", CODEPLOY_DEBUG: "" };
let server: ChildProcess | undefined;
let url = "";
let key = "";

function cli(args: readonly string[]) {
  return spawnSync(process.execPath, [bin, ...args], { env, encoding: "utf8", timeout: 60_000 });
}

beforeAll(async () => {
  if (!existsSync(join(root, "dist/bundle/cli.cjs")))
    throw new Error("dist/bundle is missing: run `npm run build`");
  const created = cli(["keys", "create", "--role", "admin", "--name", "bundle-test", "--json"]);
  expect(created.status, created.stderr).toBe(0);
  key = (JSON.parse(created.stdout) as { key: string }).key;
  const child = spawn(process.execPath, [bin, "serve", "--port", "0", "--provider", "null"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  server = child;
  url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 30_000);
    const read = (d: Buffer) => {
      out += d.toString();
      const found = /listening on (http:\/\/\S+)/.exec(out);
      if (found?.[1]) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}, 60_000);

afterAll(() => {
  server?.kill();
  rmSync(home, { recursive: true, force: true });
});

describe("the bundled CLI", () => {
  it("prints the version of package.json", () => {
    const run = cli(["--version"]);
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
    expect(run.stdout.trim()).toBe(pkg.version);
  });

  it("runs from bin/codeploy.js too, the launcher's name before (npx keeps links to it)", () => {
    const run = spawnSync(process.execPath, [join(root, "bin/codeploy.js"), "status", "--json"], {
      env,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toBeDefined();
  });

  it("answers --version alone in the launcher exactly as the CLI's command table does", () => {
    const alone = cli(["--version"]);
    const short = cli(["-V"]);
    // With another option first, the launcher hands over to commander, which prints the version itself.
    const viaCommander = cli(["--config", join(home, "absent.yaml"), "--version"]);
    expect(viaCommander.status, viaCommander.stderr).toBe(0);
    expect(viaCommander.stdout).toMatch(/^\d+\.\d+\.\d+/);
    for (const run of [alone, short]) {
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toBe(viaCommander.stdout);
      expect(run.stderr).toBe("");
    }
  });

  it("runs without codeploy.yaml on the defaults written beside the bundle, which are the schema's", async () => {
    const written = JSON.parse(
      readFileSync(join(root, "dist/bundle/config-defaults.json"), "utf8"),
    ) as unknown;
    const { configSchema } = (await import(join(root, "dist/core/config.js"))) as {
      configSchema: { parse: (v: unknown) => unknown };
    };
    expect(written).toStrictEqual(configSchema.parse({}));
    // And the bundled CLI reads them: a home from the environment, the rest defaulted (status answers).
    const run = cli(["status", "--json"]);
    expect(run.status, run.stderr).toBe(0);
  });

  it("prints an interpretation as YAML and reads a codeploy.yaml (the YAML library loaded on use)", () => {
    const words = cli(["interpret", "run nginx on docker"]);
    expect(words.status, words.stderr).toBe(0);
    expect(words.stdout).toMatch(/^name: nginx$/m);
    const dir = mkdtempSync(join(tmpdir(), "cdp-bundle-config-"));
    try {
      writeFileSync(join(dir, "codeploy.yaml"), "server:\n  maxConcurrentDeployments: 2\n");
      const run = spawnSync(process.execPath, [bin, "status", "--json"], {
        env,
        cwd: dir,
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(run.status, run.stderr).toBe(0);
      writeFileSync(join(dir, "codeploy.yaml"), "server:\n  port: [\n");
      const broken = spawnSync(process.execPath, [bin, "status"], { env, cwd: dir, encoding: "utf8" });
      expect(broken.status).toBe(2);
      expect(broken.stderr).toContain("codeploy.yaml: invalid YAML");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("has no dynamic import of a bundled package in the source (a CommonJS one yields only `default` there)", () => {
    const script = readFileSync(join(root, "scripts/bundle-cli.mjs"), "utf8");
    const listed = /const BUNDLED = new Set\(\[([^\]]*)\]\)/.exec(script)?.[1] ?? "";
    const bundled = [...listed.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    expect(bundled).toContain("yaml");
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.tsx?$/.test(entry.name) && !entry.name.includes(".test.")) {
          for (const m of readFileSync(path, "utf8").matchAll(/(?<=await |= |\()import\("([^".][^"]*)"\)/g))
            if (bundled.some((b) => m[1] === b || m[1]?.startsWith(`${b}/`)))
              offenders.push(`${path}: ${m[1]}`);
        }
      }
    };
    walk(join(root, "src"));
    expect(offenders, "import these through a module with a static import (src/core/yaml-text.ts)").toEqual(
      [],
    );
  });

  it("says what is wrong in English (zod's locales are cut to English) and checks schedules (cron-parser loaded on use)", () => {
    const spec = join(home, "bad.yaml");
    writeFileSync(
      spec,
      'name: shop\nenvironment: staging\nservices:\n  - name: web\n    port: "x"\n    schedule: "0 25 * * *"\n',
    );
    const run = cli(["validate", spec]);
    expect(run.status).toBe(1);
    expect(run.stdout + run.stderr).toContain('services[0].port: must be number, got a string ("x")');
    expect(run.stdout + run.stderr).toContain('services[0].schedule: hour field "25"');
  });

  it("imports what it leaves outside only through the launcher's import() (Node 20 loses its own in cached code)", () => {
    const bundle = readFileSync(join(root, "dist/bundle/cli.cjs"), "latin1");
    const calls = [...bundle.matchAll(/(?<![\w$.])import\(/g)].map((m) =>
      bundle.slice(Math.max(0, m.index - 30), m.index + 30),
    );
    // src/core/import-package.ts's fallback (minified, `lent ? lent(specifier) : import(specifier)`
    // reads `e?e(t):import(t)`), and the planner worker's boot text (run from .ts only).
    const allowed = [/\?([\w$]+)\(([\w$]+)\):import\(\2\)/, /`import\("tsx\/esm\/api"\)/, /import\(\$\{JSON/];
    expect(calls.filter((c) => !allowed.some((a) => a.test(c)))).toEqual([]);
    expect(calls.length).toBe(allowed.length);
  });

  it("keeps compiled code per command and build; a broken cache costs only speed", () => {
    const cache = mkdtempSync(join(tmpdir(), "cdp-code-cache-"));
    const cached = (args: readonly string[], setting = cache) =>
      spawnSync(process.execPath, [bin, ...args], {
        env: { ...env, CODEPLOY_DEBUG: "1", CODEPLOY_CODE_CACHE: setting },
        encoding: "utf8",
        timeout: 60_000,
      });
    const words = ["interpret", "deploy the shop with postgres 16 to staging", "--json"];
    const { buildId } = JSON.parse(readFileSync(join(root, "dist/bundle/cli-meta.json"), "utf8")) as {
      buildId: string;
    };
    const first = cached(words);
    expect(first.status, first.stderr).toBe(0);
    // One folder per Node, architecture, build and place of the bundle.
    const folders = readdirSync(cache);
    expect(folders).toEqual([expect.stringMatching(/^v\d+\.\d+\.\d+-\w+-[0-9a-f]{16}-[0-9a-f]{8}$/)]);
    const folder = folders[0] ?? "";
    expect(folder.startsWith(`${process.version}-${process.arch}-${buildId}-`)).toBe(true);
    const file = join(cache, folder, "interpret.v8");
    expect(first.stderr).toContain(`code cache miss ${file}`);
    expect(existsSync(file)).toBe(true);
    const second = cached(words);
    expect(second.stderr).toContain(`code cache hit ${file}`);
    expect(second.stdout).toBe(first.stdout);
    writeFileSync(file, "not a code cache");
    const broken = cached(words);
    expect(broken.status, broken.stderr).toBe(0);
    expect(broken.stderr).toContain(`code cache rejected ${file}`);
    expect(broken.stdout).toBe(first.stdout);
    expect(readFileSync(file).length).toBeGreaterThan(1000); // written again
    // A folder others may write into is not used: a code cache is code V8 runs.
    const shared = mkdtempSync(join(tmpdir(), "cdp-code-cache-shared-"));
    const planted = join(shared, folder);
    mkdirSync(planted);
    chmodSync(planted, 0o777);
    const refused = cached(words, shared);
    expect(refused.stderr).toContain("code cache off");
    expect(refused.stdout).toBe(first.stdout);
    expect(readdirSync(planted)).toEqual([]);
    rmSync(shared, { recursive: true, force: true });
    const off = cached(words, "off");
    expect(off.stderr).toContain("code cache off");
    expect(off.stdout).toBe(first.stdout);
    // Packages outside the bundle load through the lent import() from cached code (the SQLite driver).
    cached(["status"]);
    const status = cached(["status", "--json"]);
    expect(status.stderr).toContain("code cache hit");
    expect(status.status, status.stderr).toBe(0);
    rmSync(cache, { recursive: true, force: true });
  });

  it("maps a CODEPLOY_DEBUG stack trace from the minified bundle to dist/ files", () => {
    const notADirectory = join(home, "a-file");
    writeFileSync(notADirectory, "");
    const run = spawnSync(process.execPath, [bin, "status"], {
      env: { ...env, CODEPLOY_DEBUG: "1", CODEPLOY_HOME: join(notADirectory, "home") },
      encoding: "utf8",
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^ {4}at \/.*\/dist\/state\/[\w-]+\.js:\d+:\d+$/m);
    expect(run.stderr).not.toMatch(/dist\/bundle\/cli\.cjs:/);
  });

  it("prints --help alone from the text the CLI rendered, the same text", () => {
    const cache = mkdtempSync(join(tmpdir(), "cdp-code-cache-"));
    const help = (setting: string) =>
      spawnSync(process.execPath, [bin, "--help"], {
        env: { ...env, CODEPLOY_CODE_CACHE: setting },
        encoding: "utf8",
      });
    const rendered = help("off");
    expect(rendered.status).toBe(0);
    expect(rendered.stdout).toContain("Usage: codeploy");
    const first = help(cache);
    const kept = readdirSync(cache).map((d) => join(cache, d, "help-80.txt"));
    expect(kept.length).toBe(1);
    expect(readFileSync(kept[0] ?? "", "utf8")).toBe(rendered.stdout);
    const second = help(cache);
    expect([first.stdout, second.stdout]).toEqual([rendered.stdout, rendered.stdout]);
    expect(second.status).toBe(0);
    rmSync(cache, { recursive: true, force: true });
  });

  it("runs a policy plugin file from cached code (a file URL through the lent import())", () => {
    const dir = mkdtempSync(join(tmpdir(), "cdp-bundle-plugin-"));
    const cache = mkdtempSync(join(tmpdir(), "cdp-code-cache-"));
    try {
      writeFileSync(
        join(dir, "rules.mjs"),
        'export default { rules: [{ id: "ACME-OPS-001", severity: "warning", title: "Names start with acme-", description: "house naming", category: "operations", check: () => [{ path: "name", message: "shop lacks the acme- prefix", hint: "rename it" }] }] };\n',
      );
      writeFileSync(join(dir, "codeploy.yaml"), "policy:\n  rules: [./rules.mjs]\n");
      writeFileSync(
        join(dir, "shop.yaml"),
        "name: shop\nenvironment: staging\nservices:\n  - name: web\n    image: nginx:1.27\n",
      );
      const plan = () =>
        spawnSync(process.execPath, [bin, "plan", "shop.yaml", "--json"], {
          env: { ...env, CODEPLOY_DEBUG: "1", CODEPLOY_CODE_CACHE: cache },
          cwd: dir,
          encoding: "utf8",
          timeout: 60_000,
        });
      plan();
      const run = plan();
      expect(run.stderr).toContain("code cache hit");
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain("ACME-OPS-001");
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it("serves the API and plans through it (zod shared with the OpenAPI layer, the planner worker)", async () => {
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as { openapi?: string };
    expect(doc.openapi).toMatch(/^3\./);
    const spec = join(home, "shop.yaml");
    writeFileSync(
      spec,
      "name: shop\nenvironment: staging\nservices:\n  - name: web\n    image: nginx:1.27\n",
    );
    const run = cli(["--server", url, "--token", key, "plan", spec, "--json"]);
    expect(run.status, run.stderr).toBe(0);
    const plan = JSON.parse(run.stdout) as { steps: { id: string }[] };
    expect(plan.steps.map((s) => s.id)).toContain("network");
  }, 60_000);
});
