/**
 * The dashboard deploying to a real podman engine (a throwaway `podman system
 * service`, test images built locally) in Debian's Chromium: a YAML spec
 * through the new-deployment pages, the live tree to success, then the
 * environment page links the endpoint the container serves. Skips without
 * podman or chromium; with CI=true a missing part fails.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../src/core/config.js";
import { dashboard } from "../src/dashboard/index.js";
import { silentLogger } from "../src/server/logger.js";
import { providerResolver } from "../src/server/providers.js";
import { type RunningServer, startServer } from "../src/server/server.js";
import { openStateStore } from "../src/state/store.js";
import type { StateStore } from "../src/state/types.js";
import { startPodman, TEST_IMAGES } from "./helpers/podman.js";

const CHROMIUM = "/usr/lib/chromium/chromium";
if (!existsSync(CHROMIUM) && process.env.CI)
  throw new Error(`${CHROMIUM} is missing: .ci/run installs chromium`);
const pm = existsSync(CHROMIUM) ? await startPodman() : undefined;

let home: string;
let store: StateStore;
let server: RunningServer;
let browser: Browser;
let admin: string;

beforeAll(async () => {
  if (!pm) return;
  home = await mkdtemp(join(tmpdir(), "codeploy-dashboard-podman-"));
  store = await openStateStore({ home });
  server = await startServer({
    store,
    port: 0,
    logger: silentLogger,
    renderOptions: { secretSeed: "dashboard-podman" },
    config: configSchema.parse({ server: { planWorkers: 0 } }).server,
    providers: providerResolver({
      settings: {
        docker: { host: pm.host, healthTimeoutMs: 20_000, stopTimeoutSeconds: 1, pullTimeoutMs: 10_000 },
      },
    }),
    dashboard: dashboard(),
  });
  admin = (await store.apiKeys.create({ name: "ops", role: "admin", environments: [], createdBy: "test" }))
    .token;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close(5000);
  await store?.close();
  await pm?.stop();
  if (home) await rm(home, { recursive: true, force: true });
}, 120_000);

describe.skipIf(!pm)("the dashboard on podman", () => {
  it("deploys a spec through the pages and shows the live tree and the endpoint", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/ui/sign-in`);
    await page.fill("#token", admin);
    await page.click('button:has-text("Sign in")');
    await page.waitForURL(`${server.url}/`);
    await page.goto(`${server.url}/ui/new`);
    await page.check('input[value="yaml"]');
    await page.fill(
      "#text",
      `name: dash\nenvironment: staging\ntarget: docker\nservices:\n  - name: web\n    image: ${TEST_IMAGES.v1}\n    port: 8080\n    healthCheck:\n      path: /healthz\n`,
    );
    await page.click('button:has-text("Review the plan")');
    await page.click('button:has-text("Deploy dash to staging")');
    await page.waitForURL(/\/ui\/deployments\/[0-9a-f-]{36}$/);
    await page
      .locator(
        '#tree[data-outcome="succeeded"], #tree[data-outcome="failed"], #tree[data-outcome="rolled-back"]',
      )
      .waitFor({ timeout: 120_000 });
    expect(await page.locator("#tree").getAttribute("data-outcome")).toBe("succeeded");
    // The apps list asks podman for the visible rows' health once it has loaded. Under load the
    // first answer may come after the list's 1.5 s deadline ("unknown"); the cache has it next time.
    const health = async () => {
      await page.goto(`${server.url}/`);
      const cell = page.locator("td.health").first();
      await expect.poll(() => cell.textContent()).not.toBe("asking the provider…");
      return cell.textContent();
    };
    await expect.poll(health, { timeout: 30_000, interval: 500 }).toBe("healthy");
    await page.goto(`${server.url}/ui/apps/dash/staging`);
    const links = await page
      .locator("main ul li a[href^='http']")
      .evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    expect(links.length).toBeGreaterThan(0);
    // The link is the container's: it serves the test image's page.
    const served = await fetch(links[0] ?? "");
    expect(await served.text()).toContain("v1");
    await page.close();
    const destroy = await fetch(`${server.url}/v1/apps/dash/environments/staging`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(destroy.status).toBe(202);
    await server.api.runs.idle();
  }, 240_000);
});
