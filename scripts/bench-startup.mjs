#!/usr/bin/env node
// CLI start-up, side by side with `node -e 0` (the floor): the median wall time
// of new processes, after warm-up runs. Targets from issue 26 are printed beside
// the ratios, never asserted. Runs the build in dist/ through bin/codeploy.js.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(root, "bin/codeploy.js");
const home = mkdtempSync(join(tmpdir(), "codeploy-bench-startup-"));
const spec = join(home, "small.yaml");
writeFileSync(
  spec,
  'name: shop\nenvironment: staging\nservices:\n  - name: web\n    image: nginx:1.27\n    port: 80\ndatabases:\n  - name: db\n    engine: postgres\n    version: "16"\n',
);
const env = { ...process.env, CODEPLOY_HOME: home, CODEPLOY_INTERPRET: "rules" };
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const WARMUP = 2;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(args) {
  const walls = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const start = performance.now();
    const r = spawnSync(process.execPath, args, { env, encoding: "utf8" });
    const ms = performance.now() - start;
    if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    if (i >= WARMUP) walls.push(ms);
  }
  return median(walls);
}

const floor = time(["-e", "0"]);
const cases = [
  ["codeploy --version", [bin, "--version"], 1.3],
  ["codeploy --help", [bin, "--help"], 1.3],
  [
    'codeploy interpret "..." --json',
    [bin, "interpret", "deploy the shop with postgres 16 to staging", "--json"],
    2,
  ],
  ["codeploy plan small.yaml --json", [bin, "plan", spec, "--json"], 2.5],
  ["codeploy status (empty store)", [bin, "status"], 2.5],
];
console.log(`start-up on node ${process.version}, median of ${RUNS} runs after ${WARMUP} warm-ups`);
console.log(`${"node -e 0 (floor)".padEnd(36)} ${floor.toFixed(0).padStart(6)} ms`);
for (const [name, args, target] of cases) {
  const ms = time(args);
  console.log(
    `${name.padEnd(36)} ${ms.toFixed(0).padStart(6)} ms   ${(ms / floor).toFixed(2)}x the floor   target <= ${target}x`,
  );
}
