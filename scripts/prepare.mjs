#!/usr/bin/env node
// `prepare` (run by `npm ci`, and again by `npx codeploy` the first time it
// links this folder): build dist/ (and its bundle) unless it is newer than every source file,
// so a second run costs milliseconds instead of a full TypeScript build.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The state store's SQLite driver is Node's own `node:sqlite` (22.16+) or the
 * optional @photostructure/sqlite (Node 20): `npm ci` exits 0 even when that
 * optional package failed to install. Open an in-memory database now through
 * the built driver module, in a child, and fail the install with what to run.
 */
function checkSqliteDriver() {
  const driver = new URL("../dist/state/sqlite-driver.js", import.meta.url).href;
  const probe = spawnSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      // The child prints only the error's own message (a stack would show source lines).
      `try { const m = await import(${JSON.stringify(driver)}); (await m.openSqliteFile(":memory:")).prepare("select 1").get(); }` +
        " catch (e) { process.stderr.write(String(e?.message ?? e)); process.exit(1); }",
    ],
    { cwd: root, encoding: "utf8" },
  );
  if (probe.status === 0) return 0;
  const why = probe.stderr.trim().split("\n")[0] || `exit ${probe.status}`;
  process.stderr.write(
    `codeploy: the state store cannot open SQLite: ${why}\n` +
      `  hint: run \`npm ci\` again with this Node first on PATH (${process.execPath}), or use Node.js 22.16+ or 24\n`,
  );
  return 1;
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
if (!existsSync(built) || statSync(built).mtimeMs < inputs || process.argv.includes("--force")) {
  const result = spawnSync(
    process.execPath,
    [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")],
    { stdio: "inherit" },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
}
// bin/codeploy.cjs runs the bundle of dist/ (scripts/bundle-cli.mjs).
const bundle = join(root, "dist/bundle/cli.cjs");
if (
  !existsSync(bundle) ||
  statSync(bundle).mtimeMs < statSync(built).mtimeMs ||
  process.argv.includes("--force")
) {
  const result = spawnSync(process.execPath, [join(root, "scripts/bundle-cli.mjs")], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
process.exit(checkSqliteDriver());
