#!/usr/bin/env node
// The `codeploy` launcher. The CLI is compiled to dist/ and bundled into one
// CommonJS file, dist/bundle/cli.cjs, by `npm run build` (run by `npm ci`);
// scripts/bundle-cli.mjs says why. This file stays CommonJS and small: an ES
// module entry alone costs Node its ESM loader (about 10 ms per command).
//
// What it adds to Node's own start-up (issue 26):
// - `--version` alone is answered here, from package.json.
// - The bundle is compiled with V8's code cache, kept per command in the OS
//   cache folder (or $CODEPLOY_CODE_CACHE; `off` disables it): after a
//   command's first run, its next runs skip compiling the code they use.
//   Node 20 has no compile cache for modules; this works on every line.
// - `--help` alone prints the text the CLI rendered last time for this build
//   and terminal width.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const os = require("node:os");

const root = path.join(__dirname, "..");
const args = process.argv.slice(2);

process.stdout.on("error", (error) => {
  if (error.code !== "EPIPE") throw error;
});

if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  // As the CLI's command table prints it (src/cli/version.ts).
  process.stdout.write(`${packageVersion()}\n`);
} else {
  run();
}

function run() {
  const bundle = path.join(root, "dist/bundle/cli.cjs");
  const meta = readJson(path.join(root, "dist/bundle/cli-meta.json"));
  if (!meta || !fs.existsSync(bundle)) {
    process.stderr.write(
      "codeploy: not built yet (dist/bundle/ is missing).\n  hint: run `npm run build` in the repository root\n",
    );
    process.exitCode = 2;
    return;
  }
  // Node 22.1+ also keeps the compiled code of the packages the bundle imports (clients, drivers).
  const Module = require("node:module");
  if (typeof Module.enableCompileCache === "function" && !process.env.NODE_COMPILE_CACHE) {
    try {
      Module.enableCompileCache(path.join(cacheHome(), "codeploy", "compile-cache"));
    } catch {
      // A read-only home only costs speed.
    }
  }
  const cache = codeCacheFolder(meta.buildId, bundle);
  const help = args.length === 1 && (args[0] === "--help" || args[0] === "-h");
  const helpFile = cache && help ? path.join(cache, `help-${helpWidth()}.txt`) : undefined;
  if (helpFile) {
    const text = readText(helpFile);
    if (text !== undefined) {
      process.stdout.write(text);
      return;
    }
  }
  const cacheFile = cache ? path.join(cache, `${commandKey()}.v8`) : undefined;
  const cachedData = cacheFile ? readBuffer(cacheFile) : undefined;
  if (process.env.CODEPLOY_DEBUG) mapStackTraces(bundle, Module);
  const vm = require("node:vm");
  // latin1: the build writes the bundle in ASCII only.
  const script = new vm.Script(Module.wrap(fs.readFileSync(bundle, "latin1")), {
    filename: bundle,
    cachedData,
  });
  if (process.env.CODEPLOY_DEBUG) {
    const state = !cacheFile ? "off" : !cachedData ? "miss" : script.cachedDataRejected ? "rejected" : "hit";
    process.stderr.write(`codeploy: code cache ${state}${cacheFile ? ` ${cacheFile}` : ""}\n`);
  }
  // Node 20 loses import() in code compiled from a cache: the bundle imports what it leaves
  // outside (clients, drivers, plugin files) through this one (src/core/import-package.ts).
  globalThis[Symbol.for("codeploy.import")] = (specifier) => import(specifier);
  const cli = { exports: {} };
  script.runInThisContext()(cli.exports, Module.createRequire(bundle), cli, bundle, path.dirname(bundle));
  const { main, quietOnClosedStdout } = cli.exports;
  quietOnClosedStdout();
  const shown = helpFile ? captureStdout() : undefined;
  main(args).then((code) => {
    process.exitCode = code;
    if (code !== 0) return;
    if (shown) writeAtomically(helpFile, shown.stop());
    // Written once per command and build: what this run compiled is what the next one needs.
    if (cacheFile && (cachedData === undefined || script.cachedDataRejected))
      writeAtomically(cacheFile, script.createCachedData());
  });
}

/** The first word when it names a command (`plan`, `keys`...): each command caches what it compiles. */
function commandKey() {
  const first = args[0] ?? "";
  return /^[a-z][a-z0-9-]{0,31}$/.test(first) ? first : "default";
}

/** As commander wraps help: to the terminal's width, else 80 columns. */
function helpWidth() {
  return (process.stdout.isTTY && process.stdout.columns) || 80;
}

function cacheHome() {
  if (process.env.XDG_CACHE_HOME) return process.env.XDG_CACHE_HOME;
  return process.platform === "darwin"
    ? path.join(os.homedir(), "Library", "Caches")
    : path.join(os.homedir(), ".cache");
}

/**
 * One folder per Node version, architecture, build and place: V8 refuses a
 * cache from another V8, a rebuilt bundle must not meet an old one, and code
 * from a cache keeps the file name it was compiled under (a stack trace of one
 * checkout would name another's files). The eight newest folders are kept.
 */
function codeCacheFolder(buildId, bundle) {
  const setting = process.env.CODEPLOY_CODE_CACHE;
  if (setting === "off" || typeof buildId !== "string") return undefined;
  const base = setting || path.join(cacheHome(), "codeploy", "code-cache");
  const folder = path.join(base, `${process.version}-${process.arch}-${buildId}-${placeOf(bundle)}`);
  if (fs.existsSync(folder)) return ownFolder(folder) ? folder : undefined;
  try {
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (!ownFolder(folder)) return undefined;
    const others = fs
      .readdirSync(base)
      .map((name) => path.join(base, name))
      .filter((p) => p !== folder)
      .map((p) => ({ p, at: fs.statSync(p).mtimeMs }))
      .sort((a, b) => b.at - a.at);
    for (const { p } of others.slice(7)) fs.rmSync(p, { recursive: true, force: true });
    return folder;
  } catch {
    return undefined; // no cache folder: the command runs, uncached
  }
}

/** FNV-1a of the bundle's path, in hex: a short name for where this copy of CODE lives. */
function placeOf(file) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < file.length; i++) hash = Math.imul(hash ^ file.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, "0");
}

/**
 * A code cache is code: V8 runs what it holds. Only a real folder of this
 * user's that nobody else may write into is used (a shared or planted one is not).
 */
function ownFolder(folder) {
  try {
    const stat = fs.lstatSync(folder);
    if (!stat.isDirectory()) return false;
    if (typeof process.getuid !== "function") return true;
    return stat.uid === process.getuid() && (stat.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/**
 * The bundle is minified; a stack trace printed for CODEPLOY_DEBUG names the
 * dist/ files and lines instead, from the source map the build writes beside
 * it (Node applies no source map to a vm.Script by itself).
 */
function mapStackTraces(bundle, Module) {
  // Module.wrap() puts the function head before the bundle's first line.
  const head = Module.wrap("").indexOf("\n");
  let map;
  Error.prepareStackTrace = (error, frames) => {
    try {
      map ??= new Module.SourceMap(JSON.parse(fs.readFileSync(`${bundle}.map`, "utf8")));
    } catch {
      map = null;
    }
    const lines = frames.map((frame) => {
      const line = (frame.getLineNumber() ?? 0) - 1;
      const column = (frame.getColumnNumber() ?? 0) - 1 - (line === 0 ? head : 0);
      const entry = map && frame.getFileName() === bundle ? map.findEntry(line, column) : undefined;
      if (!entry?.originalSource) return `    at ${frame}`;
      const file = path.resolve(path.dirname(bundle), entry.originalSource);
      // Names are the minifier's: the place says it.
      return `    at ${file}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    });
    return `${error}\n${lines.join("\n")}`;
  };
}

/** Everything the CLI writes to stdout from now on, as well as writing it. */
function captureStdout() {
  const parts = [];
  const write = process.stdout.write;
  process.stdout.write = function (chunk, ...rest) {
    parts.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    return write.call(this, chunk, ...rest);
  };
  return {
    stop() {
      process.stdout.write = write;
      return parts.join("");
    },
  };
}

/** A new temp file and a rename: a reader never sees half a cache, and concurrent writers do no harm. */
function writeAtomically(file, data) {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, data, { mode: 0o600, flag: "wx" });
    fs.renameSync(temp, file);
  } catch {
    fs.rmSync(temp, { force: true });
  }
}

function readBuffer(file) {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

function readText(file) {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/** As src/cli/version.ts reads it. */
function packageVersion() {
  return readJson(path.join(root, "package.json"))?.version ?? "0.0.0";
}
