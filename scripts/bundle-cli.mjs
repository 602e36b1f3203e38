#!/usr/bin/env node
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
// Bundles the CLI compiled by tsc (dist/) for bin/codeploy.cjs (issue 26).
//
// The CLI is one CommonJS file, dist/bundle/cli.cjs, that the launcher
// compiles with V8's code cache (vm.Script cachedData): Node 20 has no
// compile cache for ES modules, and compiling our code was the largest part
// of a quick command (interpret, plan). Each module our code imports
// dynamically stays lazy (esbuild wraps it in an init function run on first
// use), so a command still evaluates only what it uses; the code cache makes
// the rest of the file cheap to skip. Measured on Node 20 against the ES
// module chunks this replaced (CPU per run, `npm run bench startup`):
// interpret 185 -> 142 ms, plan 270 -> 151 ms, status 142 -> 111 ms.
//
// Only our code and the pure ESM libraries it shares objects with are bundled
// (zod with hono's OpenAPI layer, which extends zod's prototype: one copy of
// each, so both sides must be in the bundle). The big clients (Kubernetes,
// dockerode, ioredis, pg, googleapis...) stay in node_modules, loaded by a
// real import() when used: some read files beside themselves (__dirname),
// which a bundle would break, and no quick command loads them. The SQLite
// driver is never bundled.
//
// All outputs sit flat in dist/bundle/ at the depth of dist/cli/main.js, so the
// relative URLs our code builds from import.meta.url stay true: main's
// `../../package.json` and the planner pool's `./worker.js` (an ES module
// bundle of its own, run in a worker thread).
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist/bundle");

/** Packages bundled into our chunks, with whatever they import themselves. */
const BUNDLED = new Set([
  "commander",
  "zod",
  "yaml",
  "kysely",
  "cron-parser",
  "cockatiel",
  "hono",
  "@hono/zod-openapi",
  "@hono/node-server",
]);

const packageOf = (specifier) => {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
};
const inNodeModules = (file) => file.includes(`${sep}node_modules${sep}`);

/** Bare imports from our code stay external unless listed; a bundled package's own imports are bundled. */
const externals = {
  name: "codeploy-externals",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("node:")) return { path: args.path, external: true };
      if (inNodeModules(args.importer)) return undefined;
      if (BUNDLED.has(packageOf(args.path))) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/**
 * zod's namespace export carries its 60 message locales (300 KB parsed by every
 * command); we use only English, which zod configures itself: the locales
 * index is cut down to it. A test in test/cli-bundle.test.ts checks zod's messages.
 */
const englishZod = {
  name: "zod-english-only",
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";\n',
      loader: "js",
    }));
  },
};

/**
 * Each module of ours and each bundled package file reports itself when it is
 * evaluated, to a hook only tests set (test/fixtures/load-trace/require-trace.cjs):
 * test/startup-imports.test.ts checks with it what each quick command evaluates.
 * Non-ASCII characters are written as \uXXXX escapes on the way in: esbuild
 * escapes them in strings but not in regular expression literals (the
 * interpreter's /’/), and the launcher reads the bundle as latin1. An escape
 * means the same in a string, a regular expression, a template and a name.
 */
const loadTrace = {
  name: "codeploy-load-trace",
  setup(b) {
    b.onLoad({ filter: /\.(c|m)?js$/ }, (args) => {
      const name = relative(root, args.path).split(sep).join("/");
      const text = readFileSync(args.path, "utf8").replace(
        /[\u0080-\uffff]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
      );
      // A shebang must stay first; a "use strict" directive too (CommonJS files).
      const directive = /^(#![^\n]*\n|\s*(["'])use strict\2;?)/.exec(text)?.[0] ?? "";
      return {
        contents: `${directive}globalThis.__codeployLoadTrace?.(${JSON.stringify(name)});${text.slice(directive.length)}`,
        loader: "js",
      };
    });
  },
};

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  legalComments: "none",
  logLevel: "warning",
  // A smaller file to read and a smaller code cache to load; bin/codeploy.cjs maps a
  // CODEPLOY_DEBUG stack trace back to dist/ through the source map written beside it.
  minify: true,
  // ASCII only (non-ASCII escaped): the launcher reads the file as latin1, the cheapest decoding.
  charset: "ascii",
};

rmSync(out, { recursive: true, force: true });
const { metafile } = await build({
  ...common,
  entryPoints: { cli: join(root, "dist/cli/main.js") },
  outdir: out,
  outExtension: { ".js": ".cjs" },
  format: "cjs",
  // import.meta.url of every bundled module is the bundle's own URL (same depth as dist/cli/main.js).
  define: { "import.meta.url": "__codeployBundleUrl" },
  banner: { js: 'var __codeployBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  // Never read unless a trace is printed (CODEPLOY_DEBUG); sources are dist/ files, not inlined.
  sourcemap: "external",
  sourcesContent: false,
  // Which inputs the bundle holds, and which lazily: test/startup-imports.test.ts reads it.
  metafile: true,
  plugins: [externals, englishZod, loadTrace],
});
await build({
  ...common,
  entryPoints: [join(root, "dist/server/planner/worker.js")],
  entryNames: "[name]",
  outdir: out,
  format: "esm",
  // Bundled CommonJS (yaml) calls require() for Node's own modules.
  banner: {
    js: 'import { createRequire as __codeployRequire } from "node:module";\nconst require = __codeployRequire(import.meta.url);',
  },
  plugins: [externals, englishZod],
});

const cli = readFileSync(join(out, "cli.cjs"));
if (cli.some((byte) => byte > 0x7f))
  throw new Error("dist/bundle/cli.cjs is not ASCII: the launcher reads it as latin1");
writeFileSync(join(root, "dist/bundle-meta.json"), JSON.stringify(metafile));
// The launcher keys its code cache by this id: a rebuilt bundle never meets an old cache.
writeFileSync(
  join(out, "cli-meta.json"),
  `${JSON.stringify({ buildId: createHash("sha256").update(cli).digest("hex").slice(0, 16) })}\n`,
);

// A command run without codeploy.yaml takes these defaults (src/core/config-load.ts)
// instead of building the configuration's zod schema to parse `{}`: zod and the
// schema then never load for `status`, `history`... (test/cli-bundle.test.ts
// checks the file against the schema).
const { configSchema } = await import(pathToFileURL(join(root, "dist/core/config.js")).href);
writeFileSync(join(out, "config-defaults.json"), `${JSON.stringify(configSchema.parse({}))}\n`);

// The first run of each command fills its code cache (bin/codeploy.cjs); the
// quick ones run once here, so the first `codeploy plan` after `npm ci` is as
// quick as the next. In a throwaway home; a failure only costs that speed.
const warmHome = mkdtempSync(join(tmpdir(), "codeploy-warm-"));
const sample = join(warmHome, "sample.yaml");
writeFileSync(sample, "name: shop\nenvironment: staging\nservices:\n  - name: web\n    image: nginx:1.27\n");
const warm = [
  ["--help"],
  ["interpret", "deploy the shop with postgres 16 to staging", "--json"],
  ["plan", sample, "--json"],
  ["status"],
];
for (const args of warm) {
  spawnSync(process.execPath, [join(root, "bin/codeploy.cjs"), ...args], {
    env: { ...process.env, CODEPLOY_HOME: warmHome, CODEPLOY_INTERPRET: "rules" },
    stdio: "ignore",
    timeout: 60_000,
  });
}
rmSync(warmHome, { recursive: true, force: true });
