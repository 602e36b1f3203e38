#!/usr/bin/env node
// Bench (issue 8): the Circle of Experts' fan-out overhead. Five members on fake provider servers
// (one of each protocol, plus a second OpenAI-compatible one) answer after set latencies, the slowest
// after 200 ms; the consultation's wall time minus the slowest member's latency is what the circle adds
// (parallel calls, consensus, deterministic summary, no cache). Target < 20 ms. Median of ROUNDS.
import { join } from "node:path";
import { register } from "tsx/esm/api";

register();
const root = new URL("..", import.meta.url).pathname;
const { startFakeLlmServer } = await import(join(root, "src/llm/__fixtures__/fake-llm-server.ts"));
const { createLlmClient } = await import(join(root, "src/llm/index.ts"));
const { askCircle } = await import(join(root, "src/experts/circle.ts"));

const ROUNDS = Number(process.env.BENCH_EXPERTS_ROUNDS ?? 15);
const LATENCY = { a: 50, b: 80, c: 120, d: 160, e: 200 };
const SLOWEST = Math.max(...Object.values(LATENCY));
const PROTOCOL = { a: "openai-compatible", b: "anthropic", c: "gemini", d: "ollama", e: "openai-compatible" };

const line = (name, value, target) =>
  console.log(`${name.padEnd(44)} ${value.padStart(14)}   ${target ? `target ${target}` : ""}`);
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

const fake = await startFakeLlmServer((req) => ({
  latencyMs: LATENCY[req.model] ?? 0,
  object: {
    answer: `answer ${req.model}`,
    points: ["Enable backups for the database", `point of ${req.model}`],
  },
}));
const base = (p) =>
  p === "openai-compatible" ? `${fake.baseUrl}/v1` : p === "gemini" ? `${fake.baseUrl}/v1beta` : fake.baseUrl;
const members = Object.entries(PROTOCOL).map(([name, provider]) => ({
  name,
  client: createLlmClient({ provider, model: name, baseUrl: base(provider) }),
  price: undefined,
}));

try {
  await askCircle("warm-up", { members, deadlineMs: 5000 });
  const overheads = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    await askCircle(`question ${i}`, { members, deadlineMs: 5000 });
    overheads.push(performance.now() - started - SLOWEST);
  }
  line(
    `experts fan-out, ${members.length} members (slowest ${SLOWEST} ms)`,
    `${median(overheads).toFixed(1)} ms`,
    "< 20 ms",
  );
} finally {
  await fake.close();
}
