#!/usr/bin/env node
import { rmSync, writeFileSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
// Bundles the CLI compiled by tsc (dist/) into dist/bundle/ (issue 26): one
// file per entry plus chunks for what commands import on use, so `codeploy
// interpret` reads a few files instead of ~190 modules, and `plan` a few
// instead of ~640 (kysely alone is 262). Measured on Node 20 (no compile
// cache there), CPU time per run: interpret 340 -> 210 ms, plan 650 -> 340 ms.
//
// Only our code and the pure ESM libraries it shares objects with are bundled
// (zod with hono's OpenAPI layer, which extends zod's prototype: one copy of
// each, so both sides must be in the bundle). The big clients (Kubernetes,
// dockerode, ioredis, pg, googleapis...) stay in node_modules, loaded as they
// are: some read files beside themselves (__dirname), which a bundle would
// break, and no quick command loads them. The SQLite driver is never bundled.
//
// All outputs sit flat in dist/bundle/ at the depth of dist/cli/main.js, so the
// relative URLs our code builds from import.meta.url stay true: main's
// `../../package.json` and the planner pool's `./worker.js` (a second entry).
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

rmSync(out, { recursive: true, force: true });
const { metafile } = await build({
  entryPoints: [join(root, "dist/cli/main.js"), join(root, "dist/server/planner/worker.js")],
  entryNames: "[name]",
  chunkNames: "chunk-[hash]",
  outdir: out,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Bundled CommonJS (yaml, cron-parser) calls require() for Node's own modules.
  banner: {
    js: 'import { createRequire as __codeployRequire } from "node:module";\nconst require = __codeployRequire(import.meta.url);',
  },
  legalComments: "none",
  logLevel: "warning",
  // Which inputs each output holds: test/startup-imports.test.ts maps the chunks a command loads to them.
  metafile: true,
  plugins: [externals, englishZod],
});

writeFileSync(join(root, "dist/bundle-meta.json"), JSON.stringify(metafile));

// A command run without codeploy.yaml takes these defaults (src/core/config-load.ts)
// instead of building the configuration's zod schema to parse `{}`: zod and the
// schema then never load for `status`, `history`... (test/cli-bundle.test.ts
// checks the file against the schema).
const { configSchema } = await import(pathToFileURL(join(root, "dist/core/config.js")).href);
writeFileSync(join(out, "config-defaults.json"), `${JSON.stringify(configSchema.parse({}))}\n`);
