#!/usr/bin/env node
// CLI start-up, side by side with `node -e 0` (the floor): the median wall time
// of new processes, after warm-up runs, and on Linux their median CPU time (user
// + system of the waited-for children, from /proc/self/stat: 10 ms steps), which
// a busy machine disturbs less than wall time; the load average is printed with
// each line. Targets from issue 26 are printed beside the ratios, never asserted.
// Runs the build in dist/ through bin/codeploy.cjs.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(root, "bin/codeploy.cjs");
const home = mkdtempSync(join(tmpdir(), "codeploy-bench-startup-"));
const spec = join(home, "small.yaml");
writeFileSync(
  spec,
  'name: shop\nenvironment: staging\nservices:\n  - name: web\n    image: nginx:1.27\n    port: 80\ndatabases:\n  - name: db\n    engine: postgres\n    version: "16"\n',
);
// The launcher's code cache lives in the bench's home: the warm-up runs fill it, as a user's first runs do.
const env = {
  ...process.env,
  CODEPLOY_HOME: home,
  CODEPLOY_INTERPRET: "rules",
  CODEPLOY_CODE_CACHE: join(home, "code-cache"),
};
const uncached = { ...env, CODEPLOY_CODE_CACHE: "off" };
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const WARMUP = 2;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const PROC_STAT = "/proc/self/stat";
/** CPU ms of the children this process has waited for (cutime + cstime, in clock ticks of 10 ms). */
function childrenCpuMs() {
  if (!existsSync(PROC_STAT)) return undefined;
  const stat = readFileSync(PROC_STAT, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Counted from the state (field 3 of stat(5)): cutime and cstime are fields 16 and 17.
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** One run: wall ms and, on Linux, CPU ms. */
function once(args, runEnv) {
  const cpuBefore = childrenCpuMs();
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { env: runEnv, encoding: "utf8" });
  const wall = performance.now() - start;
  const cpuAfter = childrenCpuMs();
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return { wall, cpu: cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined };
}

/**
 * The runs of several commands taken in turn (floor, command, command without
 * code cache, floor, ...), so that a change of the machine's load while the
 * bench runs weighs on each alike; the medians of each.
 */
function inTurn(runs) {
  const samples = runs.map(() => ({ walls: [], cpus: [] }));
  for (let i = 0; i < WARMUP + RUNS; i++) {
    runs.forEach(([args, runEnv], k) => {
      const { wall, cpu } = once(args, runEnv);
      if (i < WARMUP) return;
      samples[k].walls.push(wall);
      if (cpu !== undefined) samples[k].cpus.push(cpu);
    });
  }
  return samples.map(({ walls, cpus }) => ({
    wall: median(walls),
    cpu: cpus.length > 0 ? median(cpus) : undefined,
  }));
}

const load = () =>
  `load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`;
const cpuText = (cpu, floorCpu) =>
  cpu === undefined ? "" : `   cpu ${String(cpu).padStart(4)} ms ${(cpu / floorCpu).toFixed(2)}x`;
const floorArgs = ["-e", "0"];
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
console.log(
  `start-up on node ${process.version}, median of ${RUNS} runs after ${WARMUP} warm-ups, each command in turn with its own floor runs`,
);
const [floor] = inTurn([[floorArgs, env]]);
console.log(
  `${"node -e 0 (floor)".padEnd(36)} ${floor.wall.toFixed(0).padStart(6)} ms      ${cpuText(floor.cpu, floor.cpu)}   ${load()}`,
);
for (const [name, args, target] of cases) {
  // What V8's code cache gains (bin/codeploy.cjs): the same command with it off.
  const [base, cached, off] = inTurn([
    [floorArgs, env],
    [args, env],
    [args, uncached],
  ]);
  console.log(
    `${name.padEnd(36)} ${cached.wall.toFixed(0).padStart(6)} ms ${(cached.wall / base.wall).toFixed(2)}x${cpuText(cached.cpu, base.cpu)}   target <= ${target}x   floor ${base.wall.toFixed(0)} ms   without code cache ${off.wall.toFixed(0)} ms ${(off.wall / base.wall).toFixed(2)}x   ${load()}`,
  );
}
