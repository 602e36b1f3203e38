/**
 * The dashboard over the real server app and a real SQLite store (null
 * provider): sessions and their cookie, CSRF and origin checks, RBAC hiding
 * and refusal, the pages on the service layer, deploy and rollback with the
 * reason in the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, keyFor, serverConfig, startHarness } from "../server/__fixtures__/harness.js";
import { dashboard } from "./index.js";
import { sessionIdHash } from "./session.js";

let h: Harness;
let admin: string;
let deployer: string;
let viewer: string;
/** Added to the dashboard's clock for drafts: how long a reviewed plan has waited. */
let draftSkewMs = 0;

interface Browser {
  cookie: string;
  csrf: string;
}

function cookieOf(res: Response): string {
  const set = res.headers.get("set-cookie") ?? "";
  return set.split(";")[0] ?? "";
}

async function signIn(token: string, headers: Record<string, string> = {}): Promise<Browser> {
  const res = await h.api.app.request("/ui/sign-in", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams({ token, next: "/" }).toString(),
  });
  expect(res.status).toBe(303);
  const cookie = cookieOf(res);
  const page = await get({ cookie, csrf: "" }, "/");
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
  return { cookie, csrf };
}

function get(b: Browser, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return Promise.resolve(h.api.app.request(path, { headers: { cookie: b.cookie, ...headers } }));
}

/** The opaque id the confirmation form carries (the draft itself stays on the server). */
function draftIdOf(review: string): string {
  const id = /name="draft" value="([\w-]+)"/.exec(review)?.[1];
  expect(id).toBeDefined();
  return id ?? "";
}

async function review(b: Browser, yaml: string): Promise<string> {
  const res = await post(b, "/ui/new/plan", { _csrf: b.csrf, kind: "yaml", text: yaml });
  expect(res.status).toBe(200);
  return res.text();
}

function post(b: Browser, path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  return Promise.resolve(
    h.api.app.request(path, {
      method: "POST",
      headers: { cookie: b.cookie, "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(form).toString(),
    }),
  );
}

beforeAll(async () => {
  h = await startHarness({
    dashboard: dashboard({ drafts: { now: () => Date.now() + draftSkewMs } }),
    config: serverConfig({
      rateLimit: { requestsPerMinute: 1_000_000, burst: 1_000_000 },
      planWorkers: 0,
      trustProxy: true,
    }),
  });
  admin = await keyFor(h.store, "root", "admin");
  deployer = await keyFor(h.store, "ci", "deployer");
  viewer = await keyFor(h.store, "eyes", "viewer");
  await h.seed("shop", "staging", "nginx:1.26");
  await h.seed("shop", "staging", "nginx:1.27");
  for (let i = 0; i < 30; i++) await h.seed(`app-${String(i).padStart(2, "0")}`, i % 2 ? "dev" : "staging");
});
afterAll(() => h.close());

describe("sessions", () => {
  it("sends strangers to the sign-in page and refuses a bad token", async () => {
    const res = await h.api.app.request("/");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/ui/sign-in?next=%2F");
    const bad = await h.api.app.request("/ui/sign-in", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "token=cdp_nope",
    });
    expect(bad.status).toBe(403);
    expect(bad.headers.get("set-cookie")).toBeNull();
  });

  it("sets an httpOnly SameSite=Strict cookie, Secure with the __Host- prefix behind https", async () => {
    const plain = await h.api.app.request("/ui/sign-in", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: viewer }).toString(),
    });
    const cookie = plain.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^codeploy_session=[\w-]{40,};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/);
    const tls = await h.api.app.request("/ui/sign-in", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-proto": "https" },
      body: new URLSearchParams({ token: viewer }).toString(),
    });
    expect(tls.headers.get("set-cookie")).toMatch(/^__Host-codeploy_session=.*Secure/);
  });

  it("refuses a sign-in posted from another site", async () => {
    const res = await h.api.app.request("/ui/sign-in", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
      body: new URLSearchParams({ token: viewer }).toString(),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("serves pages with a strict Content-Security-Policy and no inline script", async () => {
    const b = await signIn(viewer);
    const res = await get(b, "/");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("unsafe-inline");
    const body = await res.text();
    expect(body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    // The API keeps its own policy.
    const api = await h.request("/v1/apps", { token: viewer });
    expect(api.headers.get("content-security-policy")).toContain("style-src 'unsafe-inline'");
  });

  it("needs the CSRF token to sign out, and signing out revokes the session", async () => {
    const b = await signIn(viewer);
    expect((await post(b, "/ui/sign-out", {})).status).toBe(403);
    expect((await post(b, "/ui/sign-out", { _csrf: "x".repeat(b.csrf.length) })).status).toBe(403);
    expect((await get(b, "/")).status).toBe(200);
    const out = await post(b, "/ui/sign-out", { _csrf: b.csrf });
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toMatch(/codeploy_session=;/);
    // The old cookie no longer opens anything.
    expect((await get(b, "/")).status).toBe(303);
  });

  it("ends the session when its key is revoked", async () => {
    const token = await keyFor(h.store, "short-lived", "viewer");
    const b = await signIn(token);
    expect((await get(b, "/")).status).toBe(200);
    const [key] = (await h.store.apiKeys.list()).filter((k) => k.name === "short-lived");
    const res = await h.request(`/v1/keys/${key?.id}`, { method: "DELETE", token: admin });
    expect(res.status).toBe(200);
    expect((await get(b, "/")).status).toBe(303);
  });
});

describe("apps list", () => {
  it("pages, searches and filters on the server", async () => {
    const b = await signIn(viewer);
    const first = await (await get(b, "/")).text();
    expect(first).toContain("31 environments, page 1 of 2");
    expect(first).toContain('href="/?page=2"');
    const search = await (await get(b, "/?q=shop")).text();
    expect(search).toContain("1 environment, page 1 of 1");
    expect(search).toContain('href="/ui/apps/shop/staging"');
    const dev = await (await get(b, "/?env=dev")).text();
    expect(dev).toContain("15 environments");
    const fragment = await (await get(b, "/?q=app-1", { "hx-request": "true" })).text();
    expect(fragment).toContain("10 environments");
    expect(fragment).not.toContain("<html");
    const restored = await (
      await get(b, "/?q=app-1", { "hx-request": "true", "hx-history-restore-request": "true" })
    ).text();
    expect(restored).toContain("<html");
  });

  it("asks the providers for the visible page's health once the list has loaded", async () => {
    const b = await signIn(viewer);
    const first = await (await get(b, "/?env=dev&sort=recent")).text();
    expect(first).toContain("asking the provider");
    expect(first).toContain('hx-get="/ui/apps-health?env=dev&amp;sort=recent"');
    const health = await (await get(b, "/ui/apps-health?env=dev&sort=recent")).text();
    expect(health).not.toContain("<html");
    expect(health).not.toContain("asking the provider");
    expect(health).not.toContain("hx-trigger");
    // The null provider observes nothing: its rows say so rather than claiming health.
    expect(health.match(/<td class="health">not reported<\/td>/g)).toHaveLength(15);
  });

  it("flags drift from the server's last check in the apps list", async () => {
    const b = await signIn(viewer);
    const row = async () => {
      const text = await (await get(b, "/?q=shop")).text();
      return (
        /<th scope="row"><a href="\/ui\/apps\/shop\/staging">shop<\/a><\/th>.*?<\/tr>/s.exec(text)?.[0] ?? ""
      );
    };
    expect(await row()).toContain("not checked");
    h.api.metrics.setDriftResources("shop", "staging", 2);
    expect(await row()).toContain("2 drifted");
    h.api.metrics.setDriftResources("shop", "staging", 0);
    expect(await row()).toContain("none");
    h.api.metrics.setDriftResources("shop", "staging", undefined);
  });

  it("hides what a role may not do", async () => {
    const asViewer = await (await get(await signIn(viewer), "/")).text();
    expect(asViewer).not.toContain("New deployment");
    const asDeployer = await (await get(await signIn(deployer), "/")).text();
    expect(asDeployer).toContain("New deployment");
  });
});

describe("an environment", () => {
  it("shows the resource tree, the current spec and the history", async () => {
    const b = await signIn(viewer);
    const page = await (await get(b, "/ui/apps/shop/staging")).text();
    expect(page).toContain("nginx:1.27");
    expect(page).toContain("Current revision");
    const history = await (await get(b, "/ui/apps/shop/staging/history")).text();
    expect(history).toContain("Revisions");
    // A viewer sees no rollback form.
    expect(history).not.toContain('action="/ui/apps/shop/staging/rollback"');
    const compare = await (await get(b, "/ui/apps/shop/staging/compare?a=1&b=2")).text();
    expect(compare).toMatch(/nginx:1\.26/);
    expect(compare).toMatch(/nginx:1\.27/);
    // The rendered files of both revisions, side by side.
    const files = compare.slice(compare.indexOf("Rendered artifacts"));
    expect(files).toMatch(/1 of \d+ rendered files? differ/);
    expect(files).toMatch(/<code>[^<]*image: nginx:1\.26[^<]*<\/code>/);
  });

  it("diffs the rendered artifacts of a plan against what runs, redacted like the GitOps commit", async () => {
    await h.seed("vault", "staging", "nginx:1.26");
    const b = await signIn(deployer);
    const yaml = [
      "name: vault",
      "environment: staging",
      "services:",
      "  - name: web",
      "    image: nginx:1.27",
      "    port: 80",
      "    env:",
      "      DB_PASSWORD: hunter2-literal",
      "databases:",
      "  - name: db",
      "    engine: postgres",
      "",
    ].join("\n");
    const res = await post(b, "/ui/new/plan", { _csrf: b.csrf, kind: "yaml", text: yaml });
    expect(res.status).toBe(200);
    const review = await res.text();
    const artifacts = review.slice(review.indexOf("Rendered artifacts"), review.indexOf("<h2>Cost"));
    expect(artifacts).toContain("running revision 1");
    // The rendered file that runs the service, old image facing the new one.
    expect(artifacts).toMatch(/<code>[^<]*nginx:1\.26[^<]*<\/code>/);
    expect(artifacts).toMatch(/<code>[^<]*nginx:1\.27[^<]*<\/code>/);
    expect(artifacts).toContain("withheld");
    expect(artifacts).toMatch(/unchanged file|differ/);
    const diffs = review.slice(review.indexOf("<h2>Changes"), review.indexOf("<h2>Cost"));
    expect(diffs).toContain("[redacted]");
    // The page holds no literal anywhere: the draft stays on the server, the form carries its id.
    expect(review).not.toContain("hunter2-literal");
    expect(review).not.toContain('name="text"');
    draftIdOf(review);
  });

  it("keeps the draft sealed in the store, and confirming it applies the secret it held", async () => {
    const b = await signIn(deployer);
    const yaml =
      "name: safe\nenvironment: staging\nservices:\n  - name: web\n    image: nginx:1.27\n    port: 80\n    env:\n      DB_PASSWORD: hunter3-literal\n";
    const page = await review(b, yaml);
    expect(page).not.toContain("hunter3-literal");
    const draft = draftIdOf(page);
    // Keyed by hashes of the form's id and of the session's; the row holds the draft sealed.
    const row = await h.store.drafts.get(sessionIdHash(draft), sessionIdHash(b.cookie.split("=")[1] ?? ""));
    expect(row?.sealed).toBeDefined();
    expect(row?.sealed).not.toContain("hunter3");
    expect(Buffer.from(row?.sealed ?? "", "base64url").toString("latin1")).not.toContain("hunter3");
    const apply = await post(b, "/ui/new/apply", { _csrf: b.csrf, draft });
    expect(apply.status).toBe(303);
    await h.api.runs.idle();
    const [status] = await h.store.status({ app: "safe", environment: "staging" });
    expect(status?.lastDeployment?.outcome).toBe("succeeded");
  });

  it("shows the drift events on the environment page, and pages through them all", async () => {
    await h.seed("drifty", "staging");
    const retention = { keep: 500, maxAgeDays: 90 };
    for (let n = 1; n <= 30; n++)
      await h.store.driftEvents.record(
        {
          app: "drifty",
          environment: "staging",
          revision: 1,
          provider: "null",
          resources: 1,
          checker: n % 2 ? "serve" : "key:ci",
          summary: {
            count: 1,
            ignored: 0,
            items: [
              {
                kind: "container",
                name: `drifty-web-${n}<script>`,
                change: "changed",
                path: "/env/GREETING",
              },
            ],
          },
        },
        retention,
      );
    await h.store.driftEvents.setHeal({ app: "drifty", environment: "staging" }, 30, {
      deployment: "0b7a4c1e-0000-4000-8000-000000000030",
      outcome: "succeeded",
      driftAfter: 0,
    });
    const b = await signIn(viewer);
    const env = await (await get(b, "/ui/apps/drifty/staging")).text();
    const drift = env.slice(env.indexOf("<h2>Drift</h2>"), env.indexOf("<h2>Resources"));
    expect(drift).toContain('<th scope="col">Resources changed</th>');
    // The latest five, newest first, with what changed where and how the heal ended.
    expect(drift.match(/<th scope="row">#\d+<\/th>/g)).toEqual(
      ["#30", "#29", "#28", "#27", "#26"].map((n) => `<th scope="row">${n}</th>`),
    );
    expect(drift).toContain("drifty-web-30&lt;script&gt;");
    expect(drift).not.toContain("<script>");
    expect(drift).toMatch(/changed<\/span> container <strong>drifty-web-30/);
    expect(drift).toContain("<code>/env/GREETING</code>");
    expect(drift).toContain("key:ci");
    expect(drift).toContain('href="/ui/deployments/0b7a4c1e-0000-4000-8000-000000000030"');
    expect(drift).toContain("0 still drifted after");
    expect(drift).toContain("not healed");
    expect(drift).toContain('href="/ui/apps/drifty/staging/drift"');
    const first = await (await get(b, "/ui/apps/drifty/staging/drift")).text();
    expect(first.match(/<th scope="row">#/g)).toHaveLength(25);
    expect(first).toContain('href="/ui/apps/drifty/staging/drift?before=6"');
    const older = await (await get(b, "/ui/apps/drifty/staging/drift?before=6")).text();
    expect(older.match(/<th scope="row">#\d+/g)).toEqual(
      ["5", "4", "3", "2", "1"].map((n) => `<th scope="row">#${n}`),
    );
    expect(older).not.toContain("Older");
    expect(older).toContain('href="/ui/apps/drifty/staging/drift">Newest');
    const bad = await get(b, "/ui/apps/drifty/staging/drift?before=x");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("is not an event number");
    // A key for other environments reads none of it, on either page.
    const elsewhere = await signIn(await keyFor(h.store, "dev-only", "viewer", ["dev"]));
    expect((await get(elsewhere, "/ui/apps/drifty/staging/drift")).status).toBe(403);
    expect((await get(elsewhere, "/ui/apps/drifty/staging")).status).toBe(403);
  });

  it("says so when no check has found drift", async () => {
    const page = await (await get(await signIn(viewer), "/ui/apps/shop/staging")).text();
    expect(page).toContain("No check has found drift.");
    expect(page).not.toContain("All drift events");
  });

  it("answers 404 for an environment never deployed", async () => {
    const res = await get(await signIn(viewer), "/ui/apps/nope/staging");
    expect(res.status).toBe(404);
  });
});

describe("changes", () => {
  it("refuses a viewer's deployment on the server, not only by hiding the form", async () => {
    const b = await signIn(viewer);
    const res = await post(b, "/ui/new/apply", { _csrf: b.csrf, draft: "x".repeat(43) });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("a viewer may not deploy");
  });

  it("plans, then deploys words through the service and shows the live tree", async () => {
    const b = await signIn(deployer);
    const yaml =
      "name: blog\nenvironment: staging\nservices:\n  - name: web\n    image: nginx:1.27\n    port: 80\n";
    const page = await review(b, yaml);
    expect(page).toContain("Stage 1");
    expect(page).toContain("nothing runs");
    expect(page).toContain('action="/ui/new/apply"');
    const draft = draftIdOf(page);
    const apply = await post(b, "/ui/new/apply", { _csrf: b.csrf, draft });
    expect(apply.status).toBe(303);
    const location = apply.headers.get("location") ?? "";
    expect(location).toMatch(/^\/ui\/deployments\/[0-9a-f-]{36}$/);
    await h.api.runs.idle();
    const tree = await (await get(b, `${location}/tree`)).text();
    expect(tree).toContain('data-outcome="succeeded"');
    // The audit record names the reviewed plan that was applied.
    const deploys = (await h.store.listAudit({ limit: 1000, newestFirst: true })).filter(
      (r) => r.command === "ui:deploy" && r.target === "blog/staging",
    );
    expect(deploys[0]?.details).toMatchObject({ planId: expect.stringMatching(/^apply\.\w+\.\w+$/) });
    // Used once: the same form sent again (a replay, a second click) applies nothing.
    const replay = await post(b, "/ui/new/apply", { _csrf: b.csrf, draft });
    expect(replay.status).toBe(404);
    expect(await replay.text()).toContain("already confirmed, or is not from this session");
    expect((await h.store.listDeployments({ app: "blog", environment: "staging" })).length).toBe(1);
  });

  it("refuses a draft of another session, and an expired one with a clear message", async () => {
    const yaml =
      "name: quill\nenvironment: staging\nservices:\n  - name: web\n    image: nginx:1.27\n    port: 80\n";
    const mine = await signIn(deployer);
    const draft = draftIdOf(await review(mine, yaml));
    // The same key signed in again is another session: the id alone opens nothing.
    const other = await signIn(deployer);
    const foreign = await post(other, "/ui/new/apply", { _csrf: other.csrf, draft });
    expect(foreign.status).toBe(404);
    expect(await foreign.text()).toContain("not from this session");
    // One character in the middle changed (the last one of base64url carries bits that decoding drops,
    // and may be an "A" already: changing it made this test pass the real id 1 time in 16).
    const other10 = draft[10] === "A" ? "B" : "A";
    const forgedId = `${draft.slice(0, 10)}${other10}${draft.slice(11)}`;
    const forged = await post(mine, "/ui/new/apply", { _csrf: mine.csrf, draft: forgedId });
    expect(forged.status).toBe(404);
    draftSkewMs = 31 * 60_000;
    try {
      const late = await post(mine, "/ui/new/apply", { _csrf: mine.csrf, draft });
      expect(late.status).toBe(409);
      const text = await late.text();
      expect(text).toContain("DRAFT_EXPIRED");
      expect(text).toContain("review the plan again");
    } finally {
      draftSkewMs = 0;
    }
    // Nothing of it ran.
    expect(await h.store.listDeployments({ app: "quill", environment: "staging" })).toHaveLength(0);
  });

  it("applies the reviewed plan or nothing: a deployment since the review makes it stale", async () => {
    await h.seed("ink", "staging", "nginx:1.26");
    const b = await signIn(deployer);
    const yaml =
      "name: ink\nenvironment: staging\nservices:\n  - name: web\n    image: nginx:1.27\n    port: 80\n";
    const draft = draftIdOf(await review(b, yaml));
    await h.seed("ink", "staging", "nginx:1.25");
    const res = await post(b, "/ui/new/apply", { _csrf: b.csrf, draft });
    expect(res.status).toBe(409);
    const text = await res.text();
    expect(text).toContain("PLAN_STALE");
    expect(text).toContain("something was deployed since you reviewed this plan; nothing was applied");
    const [status] = await h.store.status({ app: "ink", environment: "staging" });
    expect(status?.currentRevision).toBe(2);
  });

  it("asks to type the app name for production", async () => {
    const b = await signIn(admin);
    const yaml =
      "name: bank\nenvironment: production\nservices:\n  - name: web\n    image: nginx:1.27\n    port: 80\n";
    const page = await review(b, yaml);
    expect(page).toContain('name="typed"');
    const draft = draftIdOf(page);
    const wrong = await post(b, "/ui/new/apply", { _csrf: b.csrf, draft, typed: "bnak" });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("type the app name");
    // A mistyped name does not use the draft up.
    // The plan has an error finding: confirmed with the risk accepted, as the page asks.
    expect(page).toContain('name="acceptRisk"');
    const right = await post(b, "/ui/new/apply", { _csrf: b.csrf, draft, typed: "bank", acceptRisk: "yes" });
    expect(right.status).toBe(303);
    await h.api.runs.idle();
  });

  it("rolls back only with a reason, and the audit log shows it", async () => {
    const b = await signIn(admin);
    const none = await post(b, "/ui/apps/shop/staging/rollback", {
      _csrf: b.csrf,
      revision: "1",
      reason: " ",
    });
    expect(none.status).toBe(400);
    const res = await post(b, "/ui/apps/shop/staging/rollback", {
      _csrf: b.csrf,
      revision: "1",
      reason: "1.27 breaks checkout",
    });
    expect(res.status).toBe(303);
    await h.api.runs.idle();
    const audit = await (await get(b, "/ui/audit")).text();
    expect(audit).toContain("ui:rollback");
    expect(audit).toContain("1.27 breaks checkout");
    expect(audit).toContain("every hash checks");
    const [status] = await h.store.status({ app: "shop", environment: "staging" });
    expect(status?.lastDeployment?.action).toBe("rollback");
    expect(status?.currentRevision).toBe(1);
  });

  it("lets a viewer verify the chain but not read the records", async () => {
    const audit = await (await get(await signIn(viewer), "/ui/audit")).text();
    expect(audit).toContain("every hash checks");
    expect(audit).toContain("needs the audit permission");
  });
});
