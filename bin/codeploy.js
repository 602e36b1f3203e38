#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ and bundled into dist/bundle/ by
// `npm run build` (run by `npm ci`); see scripts/bundle-cli.mjs for why.
import { existsSync, readFileSync } from "node:fs";
import module from "node:module";
import { homedir } from "node:os";
import { join } from "node:path";

// Node 22.1+ keeps compiled code between runs (a no-op on Node 20, which lacks it).
// The cache lives in the OS cache folder; NODE_COMPILE_CACHE, when set, wins.
if (typeof module.enableCompileCache === "function" && !process.env.NODE_COMPILE_CACHE) {
  const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  try {
    module.enableCompileCache(join(cacheHome, "codeploy", "compile-cache"));
  } catch {
    // A read-only home only costs speed.
  }
}

const entry = new URL("../dist/bundle/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    "codeploy: not built yet (dist/bundle/ is missing).\n  hint: run `npm run build` in the repository root\n",
  );
  process.exit(2);
}
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  // `codeploy --version` alone answers here, as the CLI would (its package.json version),
  // without loading the command table: Node's own start-up is all it costs (issue 26).
  process.stdout.on("error", (error) => {
    if (error.code !== "EPIPE") throw error;
  });
  process.stdout.write(`${packageVersion()}\n`);
} else {
  const { main, quietOnClosedStdout } = await import(entry.href);
  quietOnClosedStdout();
  process.exitCode = await main(args);
}

/** As src/cli/version.ts reads it. */
function packageVersion() {
  try {
    return JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}
