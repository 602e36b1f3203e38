#!/usr/bin/env node
// Benchmarks that print figures (targets are printed beside them, never asserted in tests).
// Runs against the build in dist/ (`npm run build`, done by `npm ci`).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
if (!existsSync(join(root, "dist/cli/main.js"))) {
  console.error("bench: dist/ is missing: run `npm run build` first");
  process.exit(2);
}
const only = process.argv.slice(2);
const want = (name) => only.length === 0 || only.includes(name);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (ms) => `${ms.toFixed(3)} ms`;
const line = (name, value, target) =>
  console.log(`${name.padEnd(44)} ${value.padStart(14)}   ${target ? `target ${target}` : ""}`);

async function benchInterpret() {
  const { interpretRules } = await import(join(root, "dist/intent/index.js"));
  const corpus = join(root, "test/fixtures/intent-bench/dev.jsonl");
  const texts = existsSync(corpus)
    ? readFileSync(corpus, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l).text)
    : [
        "deploy the shop with postgres 16 and redis to staging on kubernetes, 3 replicas, behind https://shop.example.com",
      ];
  for (let i = 0; i < 200; i++) interpretRules(texts[i % texts.length]); // warm up
  const times = [];
  for (let round = 0; round < 20; round++) {
    for (const t of texts) {
      const start = performance.now();
      interpretRules(t);
      times.push(performance.now() - start);
    }
  }
  line("interpret (rules, in-process) median", fmt(median(times)), "< 2 ms");
  line("interpret (rules, in-process) p99", fmt(pct(times, 99)));

  const walls = [];
  for (let i = 0; i < 10; i++) {
    const start = performance.now();
    const r = spawnSync(
      process.execPath,
      [join(root, "bin/codeploy.cjs"), "interpret", "deploy nginx with 3 replicas to staging", "--json"],
      { encoding: "utf8" },
    );
    walls.push(performance.now() - start);
    if (r.status !== 0) throw new Error(`codeploy interpret failed: ${r.stderr}`);
  }
  line("codeploy interpret, new process, median", fmt(median(walls)), "< 400 ms");
}

function bigSpec(n) {
  const services = Array.from({ length: n }, (_, i) => ({
    name: `svc-${i}`,
    image: `ghcr.io/acme/svc-${i}:1.${i}`,
    port: 8080,
    replicas: 3,
    healthCheck: { path: "/healthz" },
    resources: { cpu: "500m", memory: "512Mi" },
    ...(i % 10 === 0 ? { domain: `svc-${i}.example.com` } : { public: false }),
    dependsOn: ["postgres", "redis", ...(i > 0 && i % 7 === 0 ? [`svc-${i - 1}`] : [])],
  }));
  return {
    name: "big",
    environment: "production",
    target: "kubernetes",
    cloud: "aws",
    region: "us-east-1",
    services,
    databases: [
      { name: "postgres", engine: "postgres", version: "16", storageGb: 100, highAvailability: true },
    ],
    caches: [{ name: "redis", engine: "redis", version: "7" }],
  };
}

async function benchPlan() {
  const { validateSpec } = await import(join(root, "dist/spec/validate.js"));
  const { reviewPlan } = await import(join(root, "dist/review/index.js"));
  for (const target of ["kubernetes", "terraform", "docker"]) {
    const spec = validateSpec({ ...bigSpec(200), target });
    reviewPlan(spec); // warm up
    const times = [];
    let review;
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      review = reviewPlan(spec);
      times.push(performance.now() - start);
    }
    line(`plan 200 services (${target}) median`, fmt(median(times)), "< 1000 ms");
    line(
      `  steps / files / findings`,
      `${review.plan.steps.length} / ${review.artifacts.files.length} / ${review.findings.length}`,
    );
  }
  // Growth: planning must cost linearly in the number of services (issue 15). CPU time is printed
  // beside the wall time because the wall time of a shared machine also counts other processes.
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  for (const target of ["kubernetes", "terraform", "docker"]) {
    const timeFor = (n, rounds) => {
      const spec = validateSpec({ ...bigSpec(n), target });
      const walls = [];
      const cpus = [];
      for (let i = 0; i < rounds; i++) {
        const [wall, cpu] = [performance.now(), cpuMs()];
        reviewPlan(spec);
        walls.push(performance.now() - wall);
        cpus.push(cpuMs() - cpu);
      }
      return { wall: median(walls), cpu: median(cpus) };
    };
    timeFor(400, 1); // warm up
    const small = timeFor(400, 3);
    const large = timeFor(4000, 3);
    line(`plan 400 services (${target}) median`, fmt(small.wall));
    line(`plan 4,000 services (${target}) median`, fmt(large.wall), "< 2000 ms");
    line(`  CPU time 400 / 4,000`, `${small.cpu.toFixed(0)} / ${large.cpu.toFixed(0)} ms`);
    line(`  ratio 4,000 / 400 (${target}), wall`, (large.wall / small.wall).toFixed(1), "< 12 (linear: 10)");
  }
}

async function benchEngine() {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { openStateStore } = await import(join(root, "dist/state/index.js"));
  const { runPlan } = await import(join(root, "dist/engine/run.js"));
  const { EventRecorder } = await import(join(root, "dist/engine/recorder.js"));
  const { createNullProvider } = await import(join(root, "dist/providers/null/index.js"));
  const { validateSpec } = await import(join(root, "dist/spec/validate.js"));
  const n = 10_000;
  // A layered DAG: each step depends on up to 3 steps of the previous layer of 100.
  const steps = Array.from({ length: n }, (_, i) => {
    const layer = Math.floor(i / 100);
    const deps = layer === 0 ? [] : [0, 37, 71].map((k) => `s${(layer - 1) * 100 + ((i + k) % 100)}`);
    return { id: `s${i}`, kind: "service", action: "create", dependsOn: [...new Set(deps)], description: "" };
  });
  const spec = validateSpec({ name: "bench" });
  const store = await openStateStore({ home: mkdtempSync(join(tmpdir(), "codeploy-bench-")) });
  const revision = await store.createRevision({ app: "bench", environment: "dev", spec, actor: "bench" });
  const deployment = await store.startDeployment({
    app: "bench",
    environment: "dev",
    revision: revision.number,
    action: "apply",
    actor: "bench",
  });
  const recorder = new EventRecorder(store, deployment.id);
  let events = 0;
  const start = performance.now();
  const result = await runPlan(steps, {
    provider: createNullProvider(),
    spec,
    artifacts: { target: "docker", files: [] },
    revision: 1,
    parallelism: 64,
    onEvent: (e) => {
      events++;
      recorder.record(e);
    },
  });
  const ran = performance.now() - start;
  await recorder.flush();
  const total = performance.now() - start;
  const stored = (await store.listEvents(deployment.id)).length;
  await store.close();
  if (result.outcome !== "succeeded" || stored !== events)
    throw new Error(`engine bench: ${result.outcome}, ${stored}/${events} events stored`);
  line("engine: 10,000 steps, parallelism 64, SQLite", fmt(total), "< 3000 ms");
  line("  steps per second", `${Math.round(n / (total / 1000))}`);
  line("  engine overhead per step (walk only)", fmt(ran / n));
  line("  events persisted", `${stored}`);
}

console.log(`codeploy bench on node ${process.version}, ${new Date().toISOString()}`);
if (want("interpret")) await benchInterpret();
if (want("plan")) await benchPlan();
if (want("engine")) await benchEngine();

// Benchmarks of the providers and the server live beside this file as bench-<name>.mjs.
const { readdirSync } = await import("node:fs");
for (const file of readdirSync(join(root, "scripts"))
  .filter((f) => /^bench-.+\.mjs$/.test(f))
  .sort()) {
  const name = file.slice("bench-".length, -".mjs".length);
  if (!want(name)) continue;
  console.log(`-- ${name}`);
  const r = spawnSync(process.execPath, [join(root, "scripts", file)], { stdio: "inherit" });
  if (r.status !== 0) console.log(`   (bench-${name} exited ${r.status}: see its output above)`);
}
