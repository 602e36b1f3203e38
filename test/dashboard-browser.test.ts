/**
 * The dashboard in real Chromium (Debian's, driven by playwright-core) against
 * a listening server on a real SQLite store with the null provider: sign in,
 * deploy through the UI and watch the live tree reach success, read drift events, roll back with
 * a reason, find the reason in the audit screen, sign out. Everything is done
 * with the keyboard alone; axe-core checks every screen (no serious or
 * critical violation); no request leaves the server's origin and the
 * Content-Security-Policy is never violated. Screenshots go to
 * test/screenshots/ (gitignored). Without chromium the tests skip, with CI=true they fail.
 */
import { existsSync, mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import axe from "axe-core";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../src/core/config.js";
import { dashboard } from "../src/dashboard/index.js";
import { storedSessionStore } from "../src/dashboard/session-store.js";
import { type FakeLlmServer, startFakeLlmServer } from "../src/llm/__fixtures__/fake-llm-server.js";
import { silentLogger } from "../src/server/logger.js";
import { providerResolver } from "../src/server/providers.js";
import { type RunningServer, startServer } from "../src/server/server.js";
import { openStateStore } from "../src/state/store.js";
import type { StateStore } from "../src/state/types.js";

const CHROMIUM = "/usr/lib/chromium/chromium";
const present = existsSync(CHROMIUM);
if (!present && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs chromium`);

const shots = resolve(import.meta.dirname, "screenshots");
const axeSource = axe.source;

let home: string;
let store: StateStore;
let server: RunningServer;
let browser: Browser;
let admin: string;
let fakeLlm: FakeLlmServer;
const requests: string[] = [];
const cspViolations: string[] = [];

const SPEC = (image: string) =>
  `name: blog\nenvironment: staging\nservices:\n  - name: web\n    image: ${image}\n    port: 80\n    replicas: 2\ndatabases:\n  - name: db\n    engine: postgres\n`;

beforeAll(async () => {
  if (!present) return;
  home = await mkdtemp(join(tmpdir(), "codeploy-dashboard-"));
  store = await openStateStore({ home });
  // A model server speaking Ollama's API on loopback, for the Circle of Experts screen.
  fakeLlm = await startFakeLlmServer(() => ({
    object: { answer: "Keep daily snapshots and test a restore.", points: ["Test restores"] },
    usage: { input: 800, output: 200 },
  }));
  const experts = configSchema.parse({
    experts: {
      members: [{ name: "local", provider: "ollama", model: "llama3.1", baseUrl: fakeLlm.baseUrl }],
    },
  }).experts;
  server = await startServer({
    experts: { config: experts, env: {} },
    store,
    port: 0,
    logger: silentLogger,
    // Steps take a moment, so that the page shows them running before the run ends.
    providers: providerResolver({ forced: "null", settings: { null: { delayMs: 150 } } }),
    config: configSchema.parse({ server: { planWorkers: 0 } }).server,
    // Sessions in the state store, as `codeploy serve` keeps them.
    dashboard: dashboard({
      sessions: storedSessionStore(store.sessions, { seed: "browser-test-seed-0123456789abcdef" }),
    }),
  });
  admin = (await store.apiKeys.create({ name: "root", role: "admin", environments: [], createdBy: "test" }))
    .token;
  // Revision 1 through the API, so that the UI's deployment is revision 2 and can be rolled back.
  const res = await fetch(`${server.url}/v1/deployments`, {
    method: "POST",
    headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
    body: JSON.stringify({
      spec: {
        name: "blog",
        environment: "staging",
        services: [{ name: "web", image: "nginx:1.26", port: 80 }],
      },
    }),
  });
  expect(res.status).toBe(202);
  // A few more apps, so that the list has rows to show (and to screenshot).
  for (const [name, environment] of [
    ["shop", "production"],
    ["shop", "staging"],
    ["billing", "staging"],
    ["search", "dev"],
  ]) {
    const more = await fetch(`${server.url}/v1/deployments`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: JSON.stringify({
        spec: { name, environment, services: [{ name: "web", image: "nginx:1.27", port: 80 }] },
        acceptRisk: true,
      }),
    });
    expect(more.status).toBe(202);
  }
  await server.api.runs.idle();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  mkdirSync(shots, { recursive: true });
}, 60_000);

afterAll(async () => {
  if (!present) return;
  await browser?.close();
  await server?.close(0);
  await store?.close();
  await fakeLlm?.close();
  await rm(home, { recursive: true, force: true });
});

async function newPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  return page;
}

/** Presses Tab until `selector` (with `text`) has the focus: proves it is reachable by keyboard. */
async function tabTo(page: Page, selector: string, text = "", max = 200): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const found = await page.evaluate(
      ([s, t]) =>
        (document.activeElement?.matches(s) ?? false) &&
        (document.activeElement?.textContent ?? "").includes(t),
      [selector, text] as const,
    );
    if (found) return;
  }
  throw new Error(`${selector} ${text} is not reachable with Tab`);
}

/** axe-core in the page (evaluated by the driver, not a <script>: the CSP stays as served). */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await (
      globalThis as unknown as {
        axe: { run: () => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> };
      }
    ).axe.run();
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}, ${v.nodes})`);
}

async function screen(page: Page, name: string): Promise<void> {
  expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

describe.skipIf(!present)("the dashboard in Chromium", () => {
  it("signs in, deploys, watches, rolls back with a reason, audits and signs out, by keyboard", async () => {
    const page = await newPage();
    await page.goto(`${server.url}/`);
    expect(new URL(page.url()).pathname).toBe("/ui/sign-in");
    await screen(page, "01-sign-in");
    await tabTo(page, "#token");
    await page.keyboard.type(admin);
    await page.keyboard.press("Enter");
    await page.waitForURL(`${server.url}/`);
    await expect.poll(() => page.locator("table.apps tbody tr").count()).toBe(5);
    // The visible page asks its providers for health once loaded (htmx, under the CSP).
    await expect.poll(() => page.locator("td.health", { hasText: "asking the provider" }).count()).toBe(0);
    expect(await page.locator("td.health", { hasText: "not reported" }).count()).toBe(5);
    await screen(page, "02-apps");

    // New deployment, by keyboard: the YAML radio, the spec, review.
    await tabTo(page, 'a[href="/ui/new"]');
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/ui\/new$/);
    await screen(page, "03-new");
    await tabTo(page, 'input[value="words"]');
    await page.keyboard.press("ArrowRight"); // radios move with the arrow keys
    expect(await page.locator('input[value="yaml"]').isChecked()).toBe(true);
    await tabTo(page, "#text");
    await page.keyboard.insertText(SPEC("nginx:1.27"));
    await tabTo(page, "button", "Review the plan");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/ui\/new\/plan$/);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Plan for blog/staging");
    expect(await page.locator(".diff td.ins").count()).toBeGreaterThan(0);
    // The step graph (dagre's layout, inline SVG) and the rendered artifacts against what runs.
    expect(await page.locator(".stage-graph svg g.node").count()).toBeGreaterThan(1);
    expect(await page.locator(".artifacts details").count()).toBeGreaterThan(0);
    await screen(page, "04-review");
    await tabTo(page, "button", "Deploy blog to staging");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/ui\/deployments\/[0-9a-f-]{36}$/);
    // The live tree over SSE reaches success without a reload.
    await page.locator('#tree[data-outcome="succeeded"]').waitFor({ timeout: 20_000 });
    expect(requests.some((u) => /\/ui\/deployments\/[0-9a-f-]+\/events$/.test(u))).toBe(true);
    expect(await page.locator("#tree li[data-step]").count()).toBeGreaterThan(1);
    await screen(page, "05-deployment");

    // The environment with its drift events, its history, a comparison, then the rollback with a reason.
    for (const change of ["changed", "missing"])
      await store.driftEvents.record(
        {
          app: "blog",
          environment: "staging",
          revision: 2,
          provider: "null",
          resources: 1,
          checker: "serve",
          summary: { count: 1, items: [{ kind: "container", name: "blog-web", change, path: "/image" }] },
        },
        { keep: 500, maxAgeDays: 90 },
      );
    await page.goto(`${server.url}/ui/apps/blog/staging`);
    expect(await page.locator("body").textContent()).toContain("nginx:1.27");
    expect(await page.locator("table.drift tbody tr").count()).toBe(2);
    await screen(page, "06-environment");
    await tabTo(page, 'a[href$="/drift"]');
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/drift$/);
    expect(await page.locator("table.drift tbody tr").count()).toBe(2);
    expect(await page.locator("table.drift").textContent()).toContain("/image");
    await screen(page, "06-drift");
    await page.goBack();
    await tabTo(page, 'a[href$="/history"]');
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/history$/);
    await screen(page, "07-history");
    await tabTo(page, "button", "Compare");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/compare\?a=1&b=2$/);
    expect(await page.locator(".artifacts").textContent()).toMatch(/\d+ of \d+ rendered files differ/);
    await screen(page, "08-compare");
    await page.goBack();
    await tabTo(page, "#reason");
    await page.keyboard.type("nginx 1.27 breaks the blog's comments");
    await tabTo(page, "button", "Roll back");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/ui\/deployments\/[0-9a-f-]{36}$/);
    await page.locator('#tree[data-outcome="succeeded"]').waitFor({ timeout: 20_000 });

    await tabTo(page, 'a[href="/ui/audit"]');
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/ui\/audit$/);
    const audit = (await page.locator("main").textContent()) ?? "";
    expect(audit).toContain("nginx 1.27 breaks the blog's comments");
    expect(audit).toContain("every hash checks");
    await screen(page, "09-audit");

    await tabTo(page, 'a[href="/ui/experts"]');
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/ui\/experts$/);
    await screen(page, "10-experts");
    await tabTo(page, "#question");
    await page.keyboard.type("How should the blog's database be backed up?");
    await tabTo(page, "button", "Ask the experts");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/ui\/experts\/[^/]+$/);
    expect(await page.locator("main").textContent()).toContain("Keep daily snapshots");
    await screen(page, "11-consultation");

    await tabTo(page, "button", "Sign out");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/ui\/sign-in$/);
    await page.goto(`${server.url}/`);
    expect(new URL(page.url()).pathname).toBe("/ui/sign-in");
    await page.close();

    const foreign = requests.filter((u) => new URL(u).origin !== server.url);
    expect(foreign).toEqual([]);
    expect(cspViolations).toEqual([]);
  }, 120_000);
});
