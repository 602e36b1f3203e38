#!/usr/bin/env node
// The rules interpreter's cold start (issue 26): in fresh processes, the CPU
// time of importing dist/intent/index.js, of the first interpret() call and of
// a second one. The first call pays for what the interpreter builds on first
// use (phrase tables from the generated index, src/intent/tokens/phrase-compile.ts)
// and for V8 compiling the code it runs; the second shows the warm cost.
// Medians of new processes (CPU time: a busy machine disturbs it less than wall time).
// Run after `npm run build`: `npm run bench intent-cold` (or `node scripts/bench-intent-cold.mjs`).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "dist/intent/index.js");
if (!existsSync(entry)) {
  console.error("bench-intent-cold: dist/ is missing: run `npm run build` first");
  process.exit(2);
}
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const TEXT = "deploy the shop with postgres 16 to staging";

// The child prints three CPU times in ms: import, first call, second call.
const child = `
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
const t0 = cpu();
const { interpretRules } = await import(${JSON.stringify(pathToFileURL(entry).href)});
const t1 = cpu();
interpretRules(${JSON.stringify(TEXT)});
const t2 = cpu();
interpretRules(${JSON.stringify(TEXT)});
console.log(JSON.stringify([t1 - t0, t2 - t1, cpu() - t2]));
`;

const rows = [];
for (let i = 0; i < RUNS + 2; i++) {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", child], { encoding: "utf8" });
  if (r.status !== 0) {
    console.error(r.stderr);
    process.exit(1);
  }
  const [load, first, second] = JSON.parse(r.stdout);
  if (i >= 2) rows.push([load, first, second, load + first]); // after two warm-up runs (file cache)
}
const median = (k) => {
  const s = rows.map((r) => r[k]).sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const line = (name, ms) => console.log(`${name.padEnd(44)} ${`${ms.toFixed(1)} ms`.padStart(14)}`);
line("intent: import dist/intent (CPU)", median(0));
line("intent: first interpret() (CPU)", median(1));
line("intent: second interpret() (CPU)", median(2));
line("intent: import + first call (CPU)", median(3));
console.log(`   (median of ${RUNS} new processes; "${TEXT}")`);
