/**
 * serve's repository watch on real git (a bare repository that a clone pushes
 * to) and the server harness (real SQLite store, null provider forced): a
 * commit is applied with its commit id on the revision, the same commit is not
 * synced twice, a bad spec and an unconfirmed production spec are refused and
 * audited without stopping the watch, production goes with gitops.autoSync, and
 * a remote that never answers ends in the watch's git deadline, with the
 * environment's token sent as a header and in no message.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { git } from "../../test/helpers/git.js";
import { configSchema } from "../core/config.js";
import { type Harness, keyFor, startHarness } from "./__fixtures__/harness.js";
import type { GitopsWatchOptions } from "./gitops-watch.js";

const work = mkdtempSync(join(tmpdir(), "codeploy-watch-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A bare repository and a clone that commits and pushes to it; returns commit(). */
function repository(name: string) {
  const bare = join(work, `${name}.git`);
  const clone = join(work, `${name}-clone`);
  git(work, "init", "-q", "--bare", "--initial-branch=main", bare);
  git(work, "clone", "-q", bare, clone);
  git(clone, "checkout", "-q", "-b", "main");
  mkdirSync(join(clone, "specs"), { recursive: true });
  return {
    bare,
    /** Writes the files (path -> document, or null to delete), commits and pushes; the commit id. */
    commit(files: Record<string, unknown>, message: string): string {
      for (const [path, doc] of Object.entries(files)) {
        if (doc === null) rmSync(join(clone, path));
        else writeFileSync(join(clone, path), stringify(doc));
      }
      git(clone, "add", "-A");
      git(clone, "commit", "-q", "-m", message);
      git(clone, "push", "-q", "origin", "main");
      return git(clone, "rev-parse", "HEAD");
    },
    /** An annotated tag on HEAD, pushed. */
    tag(name: string, message: string): void {
      git(clone, "tag", "-a", name, "-m", message);
      git(clone, "push", "-q", "origin", name);
    },
  };
}

function watchOptions(
  watch: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  env = {},
): GitopsWatchOptions {
  const gitops = configSchema.parse({ gitops: { watch, ...extra } }).gitops;
  if (!gitops.watch) throw new Error("no watch");
  const home = mkdtempSync(join(work, "home-"));
  return { gitops: { ...gitops, watch: gitops.watch }, env, home, baseDir: work };
}

const shop = (image: string, environment = "staging") => ({
  name: "shop",
  environment,
  // What production's policy asks for: two replicas and a health check.
  services: [{ name: "web", image, port: 8080, public: false, replicas: 2, healthCheck: { path: "/" } }],
});

describe("gitops.watch in codeploy.yaml", () => {
  it("is checked with the path of what is wrong, and has sane bounds", () => {
    const bad = configSchema.safeParse({
      gitops: { watch: { repo: "./r.git", intervalSeconds: 1, role: "root" } },
    });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join(".")).sort();
    expect(paths).toEqual(["gitops.watch.intervalSeconds", "gitops.watch.role"]);
    expect(configSchema.safeParse({ gitops: { watch: { repo: "r", timeoutSeconds: 0 } } }).success).toBe(
      false,
    );
    expect(configSchema.parse({ gitops: { watch: { repo: "./r.git" } } }).gitops.watch).toEqual({
      repo: "./r.git",
      ref: "main",
      path: "specs",
      intervalSeconds: 60,
      timeoutSeconds: 60,
      actor: "codeploy-gitops",
      role: "deployer",
    });
  });
});

describe("the repository watch of codeploy serve (null provider)", () => {
  it("applies each new commit once, records the commit on the revision, and survives a bad spec", async () => {
    const repo = repository("shop");
    const first = repo.commit({ "specs/shop.yaml": shop("acme/web:1") }, "shop v1");
    h = await startHarness({ gitopsWatch: watchOptions({ repo: repo.bare, intervalSeconds: 5 }) });
    const watch = h.api.gitopsWatch;
    if (!watch) throw new Error("no watch");

    // The first round starts at once; poll (bounded) for its deployment.
    watch.start();
    const key = { app: "shop", environment: "staging" };
    for (let i = 0; i < 100 && (await h.store.status(key))[0]?.currentRevision === undefined; i++)
      await new Promise((r) => setTimeout(r, 100));
    const [v1] = await h.store.listRevisions(key);
    expect(v1).toMatchObject({ number: 1, sourceCommit: first, actor: "codeploy-gitops" });
    expect(v1?.request).toContain(`@${first}:specs/shop.yaml`);

    // The revision is recorded when the deployment starts, before the round ends: join that round
    // (or, when it has ended, run one that finds nothing new), then the same commit reads nothing again.
    await watch.syncNow();
    expect(await watch.syncNow()).toEqual({ commit: first, unchanged: true });

    const second = repo.commit({ "specs/shop.yaml": shop("acme/web:2") }, "shop v2");
    const round = await watch.syncNow();
    expect(round.answer?.items).toMatchObject([{ file: "specs/shop.yaml", outcome: "applied", revision: 2 }]);
    const [deployment] = await h.store.listDeployments(key);
    expect(deployment).toMatchObject({ revision: 2, actor: "codeploy-gitops", outcome: "succeeded" });

    // history over the API shows the commit each revision came from.
    const token = await keyFor(h.store, "reader", "viewer");
    const res = await h.request("/v1/apps/shop/environments/staging/history", { token });
    const history = (await res.json()) as { revisions: { number: number; sourceCommit?: string }[] };
    expect(history.revisions.map((r) => [r.number, r.sourceCommit])).toEqual([
      [1, first],
      [2, second],
    ]);

    // A bad spec and an unconfirmed production spec: refused, reported, audited; the good one stands.
    const bad = repo.commit(
      {
        "specs/bad.yaml": {
          name: "bad",
          environment: "staging",
          services: [{ name: "web", port: "eighty" }],
        },
        "specs/shop-prod.yaml": shop("acme/web:2", "production"),
      },
      "a bad spec",
    );
    const refused = await watch.syncNow();
    const items = refused.answer?.items ?? [];
    expect(items.map((i) => [i.file, i.outcome])).toEqual([
      ["specs/bad.yaml", "refused"],
      ["specs/shop-prod.yaml", "refused"],
      ["specs/shop.yaml", "unchanged"],
    ]);
    expect(items[0]?.reason).toMatch(/SPEC_INVALID.*services/);
    // A deployer may not deploy to production (RBAC), whatever the confirmation.
    expect(items[1]?.reason).toMatch(/FORBIDDEN/);
    const audit = await h.store.listAudit({ newestFirst: true, limit: 10 });
    const record = audit.find((r) => r.command === "gitops-watch");
    expect(record).toMatchObject({ actor: "codeploy-gitops", outcome: "refused" });
    expect(record?.details).toMatchObject({ commit: bad, retry: false });
    // Refused for good at that commit: not tried again until a new one.
    expect(await watch.syncNow()).toEqual({ commit: bad, unchanged: true });

    // The watch goes on: the next commit fixes it.
    repo.commit({ "specs/bad.yaml": null, "specs/shop.yaml": shop("acme/web:3") }, "fixed");
    const fixed = await watch.syncNow();
    expect(fixed.answer?.items.map((i) => [i.file, i.outcome])).toEqual([
      ["specs/shop-prod.yaml", "refused"],
      ["specs/shop.yaml", "applied"],
    ]);
    await watch.stop();
    expect(await watch.syncNow()).toEqual({ error: "stopped" });
  }, 60_000);

  it("applies production only when gitops.autoSync lists it, and only in the role's environments", async () => {
    const repo = repository("prod");
    repo.commit(
      { "specs/prod.yaml": shop("acme/web:1", "production"), "specs/dev.yaml": shop("acme/web:1", "dev") },
      "both",
    );
    const admin = { repo: repo.bare, actor: "bot", role: "admin", environments: ["production"] };
    h = await startHarness({ gitopsWatch: watchOptions(admin) });
    const unconfirmed = await h.api.gitopsWatch?.syncNow();
    expect(
      unconfirmed?.answer?.items.map((i) => [i.file, i.outcome, i.reason?.split(":")[0]]),
      JSON.stringify(unconfirmed),
    ).toEqual([
      ["specs/dev.yaml", "refused", "FORBIDDEN"],
      ["specs/prod.yaml", "refused", "not confirmed"],
    ]);
    await h.close();
    h = await startHarness({ gitopsWatch: watchOptions(admin, { autoSync: ["production"] }) });
    const round = await h.api.gitopsWatch?.syncNow();
    const items = round?.answer?.items ?? [];
    expect(items.map((i) => [i.file, i.outcome])).toEqual([
      ["specs/dev.yaml", "refused"],
      ["specs/prod.yaml", "applied"],
    ]);
    expect(items[0]?.reason).toMatch(/FORBIDDEN/);
    expect((await h.store.listDeployments({ app: "shop", environment: "production" }))[0]?.actor).toBe("bot");
  }, 60_000);

  it("follows an annotated tag: synced once, then unchanged until the tag moves", async () => {
    const repo = repository("tagged");
    const commit = repo.commit({ "specs/shop.yaml": shop("acme/web:1") }, "v1");
    repo.tag("release", "first release");
    h = await startHarness({ gitopsWatch: watchOptions({ repo: repo.bare, ref: "release" }) });
    const first = await h.api.gitopsWatch?.syncNow();
    expect(first?.answer?.commit).toBe(commit);
    expect(first?.answer?.items.map((i) => i.outcome)).toEqual(["applied"]);
    expect((await h.api.gitopsWatch?.syncNow())?.unchanged).toBe(true);
  }, 60_000);

  it("ends a fetch from a remote that never answers at its deadline, and tries again on the next tick", async () => {
    const seen: string[] = [];
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on("data", (chunk) => seen.push(chunk.toString("latin1")));
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const token = "s3cret-watch-token";
    try {
      h = await startHarness({
        gitopsWatch: watchOptions(
          { repo: `http://127.0.0.1:${port}/shop.git`, timeoutSeconds: 1 },
          {},
          { CODEPLOY_GIT_TOKEN: token },
        ),
      });
      const started = Date.now();
      const round = await h.api.gitopsWatch?.syncNow();
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(round?.error).toMatch(/git ls-remote timed out after 1 s/);
      expect(round?.error).not.toContain(token);
      // The token reached the remote as a header, from the environment.
      const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
      expect(seen.join("")).toContain(`Authorization: Basic ${basic}`);
      const [record] = await h.store.listAudit({ newestFirst: true, limit: 1 });
      expect(record).toMatchObject({ command: "gitops-watch", outcome: "failed" });
      expect(JSON.stringify(record)).not.toContain(token);
      expect(JSON.stringify(record)).not.toContain(basic);
      // Not marked synced: the next round asks again.
      const again = await h.api.gitopsWatch?.syncNow();
      expect(again?.error).toMatch(/timed out/);

      // Shutdown does not wait for a hanging fetch: the git call in flight is interrupted.
      await h.close();
      h = await startHarness({
        gitopsWatch: watchOptions({ repo: `http://127.0.0.1:${port}/shop.git`, timeoutSeconds: 600 }),
      });
      const hanging = h.api.gitopsWatch?.syncNow();
      await new Promise((r) => setTimeout(r, 500));
      const stopping = Date.now();
      await h.api.shutdown(0);
      expect(Date.now() - stopping).toBeLessThan(5_000);
      expect((await hanging)?.error).toBeDefined();
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 60_000);
});
