#!/usr/bin/env node
// `prepare` (run by `npm ci`, and again by `npx codeploy` the first time it
// links this folder): build dist/ unless it is newer than every source file,
// so a second run costs milliseconds instead of a full TypeScript build.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * `npm ci` exits 0 even when the SQLite addon was built for another Node
 * (node-gyp given other headers): it would fail at the first `codeploy` run.
 * Open an in-memory database now, in a child, and fail the install with what
 * to run instead.
 */
function checkSqliteDriver() {
  const probe = spawnSync(
    process.execPath,
    ["-e", "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"],
    { cwd: root, encoding: "utf8" },
  );
  if (probe.status === 0) return;
  const why = (probe.stderr.match(/NODE_MODULE_VERSION[^\n]*|Could not locate the bindings file[^\n]*/) ?? [
    probe.stderr.trim().split("\n")[0] ?? "unknown error",
  ])[0];
  process.stderr.write(
    `codeploy: the SQLite driver (better-sqlite3) does not load on this Node.js ${process.version}: ${why}\n` +
      `  hint: run \`npm rebuild better-sqlite3\` with this Node first on PATH (${process.execPath})\n`,
  );
  process.exit(1);
}
const built = join(root, "dist/cli/main.js");

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const inputs = Math.max(
  newestSource(join(root, "src")),
  statSync(join(root, "tsconfig.json")).mtimeMs,
  statSync(join(root, "tsconfig.build.json")).mtimeMs,
);
checkSqliteDriver();
if (existsSync(built) && statSync(built).mtimeMs >= inputs && !process.argv.includes("--force")) {
  process.exit(0);
}
const result = spawnSync(
  process.execPath,
  [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
