/**
 * Dashboard sessions behind a load balancer: two API servers (in-process apps,
 * each with its own store and pool) on one throwaway Postgres
 * (test/helpers/postgres.ts), sharing the secret seed as the chart shares
 * CODEPLOY_SECRET_SEED. A session opened on A works on B; signing out on B ends
 * it on A; a server with another seed cannot use the sessions of the others.
 * A plan reviewed on A is confirmed on B, once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboard } from "../src/dashboard/index.js";
import { sessionIdHash } from "../src/dashboard/session.js";
import { storedSessionStore } from "../src/dashboard/session-store.js";
import { type Harness, keyFor, startHarness } from "../src/server/__fixtures__/harness.js";
import { openStateStore } from "../src/state/store.js";
import type { StateStore } from "../src/state/types.js";
import { startPostgres } from "./helpers/postgres.js";

const server = await startPostgres();
const SEED = "shared-seed-of-the-whole-team-0123456789";

interface Browser {
  readonly cookie: string;
  readonly csrf: string;
}

// Each harness closes its own store.
const servers: Harness[] = [];

async function apiServer(url: string, seed = SEED): Promise<Harness> {
  const store: StateStore = await openStateStore({ url });
  const h = await startHarness({
    store,
    dashboard: dashboard({ sessions: storedSessionStore(store.sessions, { seed }), drafts: { seed } }),
  });
  servers.push(h);
  return h;
}

const get = (h: Harness, b: Browser, path = "/") =>
  Promise.resolve(h.api.app.request(path, { headers: { cookie: b.cookie } }));

async function signIn(h: Harness, token: string): Promise<Browser> {
  const res = await h.api.app.request("/ui/sign-in", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token, next: "/" }).toString(),
  });
  expect(res.status).toBe(303);
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const page = await get(h, { cookie, csrf: "" });
  expect(page.status).toBe(200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
  expect(csrf).not.toBe("");
  return { cookie, csrf };
}

if (server === undefined) {
  it.skip("dashboard sessions across servers on Postgres (no Postgres binaries, see the warning above)", () =>
    undefined);
} else {
  let url: string;
  let a: Harness;
  let b: Harness;
  let token: string;
  let deployer: string;
  beforeAll(async () => {
    url = await server.createDatabase();
    a = await apiServer(url);
    b = await apiServer(url);
    token = await keyFor(a.store, "ana", "viewer");
    deployer = await keyFor(a.store, "dev", "deployer");
  });
  afterAll(async () => {
    await Promise.all(servers.map((h) => h.close()));
    await server.stop();
  });

  describe("dashboard sessions on two API servers", () => {
    it("a session opened on A works on B, and signing out on B ends it on A", async () => {
      const browser = await signIn(a, token);
      const onB = await get(b, browser);
      expect(onB.status).toBe(200);
      // The same CSRF token on both servers: it is part of the shared session.
      expect(await onB.text()).toContain(`value="${browser.csrf}"`);
      const out = await b.api.app.request("/ui/sign-out", {
        method: "POST",
        headers: { cookie: browser.cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: browser.csrf }).toString(),
      });
      expect(out.status).toBe(303);
      const onA = await get(a, browser);
      expect(onA.status).toBe(303);
      expect(onA.headers.get("location")).toMatch(/^\/ui\/sign-in/);
      expect((await get(b, browser)).status).toBe(303);
    });

    it("the database holds no usable credential, and a server with another seed cannot use the session", async () => {
      const browser = await signIn(a, token);
      const id = browser.cookie.split("=")[1] ?? "";
      const row = await b.store.sessions.get(sessionIdHash(id));
      expect(row).toMatchObject({ actor: "key:ana" });
      expect(JSON.stringify(row)).not.toContain(token.slice(17, 49));
      expect(JSON.stringify(row)).not.toContain(id);
      const stranger = await apiServer(url, "a-different-seed-nobody-shares-0123456789");
      expect((await get(stranger, browser)).status).toBe(303);
      // ...and leaves it alone for the servers that share the seed.
      expect((await get(b, browser)).status).toBe(200);
    });

    it("a plan reviewed on A is confirmed on B, once, and the page and the row hold no literal", async () => {
      const browser = await signIn(a, deployer);
      const form = (h: Harness, fields: Record<string, string>) =>
        Promise.resolve(
          h.api.app.request(fields.text === undefined ? "/ui/new/apply" : "/ui/new/plan", {
            method: "POST",
            headers: { cookie: browser.cookie, "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ _csrf: browser.csrf, ...fields }).toString(),
          }),
        );
      const yaml =
        "name: duo\nenvironment: staging\nservices:\n  - name: web\n    image: nginx:1.27\n    port: 80\n    env:\n      DB_PASSWORD: pg-literal-42\n";
      const review = await form(a, { kind: "yaml", text: yaml });
      expect(review.status).toBe(200);
      const page = await review.text();
      expect(page).not.toContain("pg-literal-42");
      const draft = /name="draft" value="([\w-]+)"/.exec(page)?.[1] ?? "";
      const row = await b.store.drafts.get(
        sessionIdHash(draft),
        sessionIdHash(browser.cookie.split("=")[1] ?? ""),
      );
      expect(row).toBeDefined();
      expect(JSON.stringify(row)).not.toContain("pg-literal");
      const confirmed = await form(b, { draft });
      expect(confirmed.status).toBe(303);
      await b.api.runs.idle();
      const replay = await form(a, { draft });
      expect(replay.status).toBe(404);
      expect(await b.store.listDeployments({ app: "duo", environment: "staging" })).toHaveLength(1);
    });
  });
}
