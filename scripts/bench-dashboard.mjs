#!/usr/bin/env node
// The dashboard's apps list at scale: 5,000 app-environments in a SQLite store, a signed-in
// session, and the first page (and a search, and a far page) measured on the server (p50/p95
// of sequential requests on loopback; the store answers one page in SQL: statusPage), then in Chromium when it is installed (navigation to
// the load event, p50/p95). Targets: server p95 < 300 ms, browser < 1 s.
// Runs against dist/ (`npm run build`). Usage: node scripts/bench-dashboard.mjs [--envs 5000] [--rounds 100]
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = process.env.CODEPLOY_DIST ?? join(root, "dist");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const ENVS = arg("envs", 5000);
const ROUNDS = arg("rounds", 100);
const CHROMIUM = "/usr/lib/chromium/chromium";

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const line = (name, value, target) =>
  console.log(`${name.padEnd(44)} ${value.padStart(14)}   ${target ? `target ${target}` : ""}`);

const home = mkdtempSync(join(tmpdir(), "codeploy-bench-dashboard-"));
try {
  await main();
} finally {
  rmSync(home, { recursive: true, force: true });
}

async function main() {
  const { openStateStore } = await import(join(dist, "state/index.js"));
  const { startServer } = await import(join(dist, "server/server.js"));
  const { silentLogger } = await import(join(dist, "server/logger.js"));
  const { providerResolver } = await import(join(dist, "server/providers.js"));
  const { configSchema } = await import(join(dist, "core/config.js"));
  const { validateSpec } = await import(join(dist, "spec/validate.js"));
  const { dashboard } = await import(join(dist, "dashboard/index.js"));
  const store = await openStateStore({ home });

  const seeded = performance.now();
  const environments = ["staging", "production"];
  for (let i = 0; i < ENVS; i++) {
    const app = `app-${String(Math.floor(i / environments.length)).padStart(5, "0")}`;
    const environment = environments[i % environments.length];
    const spec = validateSpec({
      name: app,
      environment,
      target: "kubernetes",
      cloud: "aws",
      services: [{ name: "web", image: "nginx:1.27", port: 80, replicas: 2 }],
      databases: i % 3 === 0 ? [{ name: "db", engine: "postgres" }] : [],
    });
    const revision = await store.createRevision({ app, environment, spec, actor: "bench" });
    const d = await store.startDeployment({
      app,
      environment,
      revision: revision.number,
      action: "apply",
      actor: "bench",
      provider: "null",
    });
    await store.finishDeployment(d.id, i % 17 === 0 ? "failed" : "succeeded");
  }
  line(`seed ${ENVS} app-environments`, `${((performance.now() - seeded) / 1000).toFixed(1)} s`);

  const { token } = await store.apiKeys.create({ name: "bench", role: "admin", createdBy: "bench" });
  const config = configSchema.parse({
    server: { rateLimit: { requestsPerMinute: 1e9, burst: 1e9 }, planWorkers: 0 },
  }).server;
  const server = await startServer({
    store,
    port: 0,
    config,
    logger: silentLogger,
    providers: providerResolver({ forced: "null" }),
    dashboard: dashboard(),
  });
  try {
    const signIn = await fetch(`${server.url}/ui/sign-in`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token }).toString(),
    });
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0];
    if (signIn.status !== 303 || !cookie) throw new Error(`sign-in answered ${signIn.status}`);

    const time = async (path) => {
      const times = [];
      for (let i = 0; i < 5; i++) await (await fetch(`${server.url}${path}`, { headers: { cookie } })).text();
      for (let i = 0; i < ROUNDS; i++) {
        const start = performance.now();
        const res = await fetch(`${server.url}${path}`, { headers: { cookie } });
        const body = await res.text();
        times.push(performance.now() - start);
        if (res.status !== 200 || !body.includes("apps-results"))
          throw new Error(`${path} answered ${res.status}`);
      }
      return times;
    };
    line("load average (1 min) before measuring", loadavg()[0].toFixed(1), "(figures scale with it)");
    const first = await time("/");
    line(`apps list, first page (${ENVS} envs) p50`, `${pct(first, 50).toFixed(1)} ms`);
    line(`apps list, first page (${ENVS} envs) p95`, `${pct(first, 95).toFixed(1)} ms`, "< 300 ms");
    const search = await time("/?q=app-0012&env=production");
    line("apps list, search + filter p95", `${pct(search, 95).toFixed(1)} ms`, "< 300 ms");
    const failed = await time("/?state=failed&sort=recent");
    line("apps list, state filter + recent first p95", `${pct(failed, 95).toFixed(1)} ms`, "< 300 ms");
    const far = await time(`/?page=${Math.floor(ENVS / 25)}`);
    line("apps list, last page p95", `${pct(far, 95).toFixed(1)} ms`, "< 300 ms");

    if (!existsSync(CHROMIUM)) {
      line("apps list in Chromium", "skipped", `(no ${CHROMIUM})`);
      return;
    }
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    try {
      const context = await browser.newContext();
      const url = new URL(server.url);
      await context.addCookies([
        {
          name: cookie.split("=")[0],
          value: cookie.split("=").slice(1).join("="),
          domain: url.hostname,
          path: "/",
        },
      ]);
      const page = await context.newPage();
      const loads = [];
      for (let i = 0; i < 12; i++) {
        await page.goto(`${server.url}/`, { waitUntil: "load" });
        const ms = await page.evaluate(() => {
          const [nav] = performance.getEntriesByType("navigation");
          return nav.loadEventEnd - nav.startTime;
        });
        if (i >= 2) loads.push(ms);
      }
      line("apps list in Chromium, load event p50", `${pct(loads, 50).toFixed(1)} ms`);
      line("apps list in Chromium, load event p95", `${pct(loads, 95).toFixed(1)} ms`, "< 1000 ms");
    } finally {
      await browser.close();
    }
  } finally {
    await server.close(0);
    await store.close();
  }
}
