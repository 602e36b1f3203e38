/**
 * GitOps on real git (no mocks): each applied revision (null provider) is a
 * commit in a bare repository with the expected files and message, history
 * shows its id, sensitive files stay out, a Git failure only warns; `sync`
 * applies what a repository holds, is a no-op the second time, and reports a
 * refused spec without blocking the others.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { blogSpec as blog } from "../src/cli/__fixtures__/blog-spec.js";
import { main } from "../src/cli/main.js";
import { captureIo } from "../src/cli/test-io.js";
import { openStateStore } from "../src/state/index.js";
import { git } from "./helpers/git.js";

const work = mkdtempSync(join(tmpdir(), "codeploy-gitops-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = async (cwd: string, home: string, argv: string[], env: Record<string, string> = {}) => {
  const io = captureIo({ cwd, env: { CODEPLOY_HOME: home, CODEPLOY_ACTOR: "ana", ...env } });
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
};

/** A fresh clone of the bare repository: what a reviewer pulls. */
function cloneOf(bare: string): string {
  const dir = mkdtempSync(join(work, "clone-"));
  git(work, "clone", "-q", bare, dir);
  return dir;
}

describe("each applied revision is a commit (gitops.repo, null provider)", () => {
  const dir = join(work, "record");
  const home = join(dir, "home");
  const bare = join(dir, "deployments.git");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "codeploy.yaml"), stringify({ gitops: { repo: "./deployments.git" } }));
  writeFileSync(join(dir, "v1.yaml"), stringify(blog));
  writeFileSync(
    join(dir, "v2.yaml"),
    stringify({ ...blog, services: [{ ...blog.services[0], image: "ghost:5.81" }] }),
  );

  it("commits the spec and the artifacts, not the sensitive .env, with request, actor, plan and cost", async () => {
    const r = await run(dir, home, ["apply", "v1.yaml", "--provider", "null", "--yes"]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/revision 1 committed to .*deployments\.git: [0-9a-f]{40}/);
    const clone = cloneOf(bare);
    expect(git(clone, "rev-list", "--count", "HEAD")).toBe("1");
    const folder = join(clone, "apps/blog/staging");
    expect(readFileSync(join(folder, "spec.yaml"), "utf8")).toContain("ghost:5.80");
    expect(existsSync(join(folder, "artifacts/compose.yaml"))).toBe(true);
    // The renderer marks .env sensitive (the generated MySQL passwords): listed, never committed.
    expect(existsSync(join(folder, "artifacts/.env"))).toBe(false);
    const withheld = JSON.parse(readFileSync(join(folder, "withheld.json"), "utf8"));
    expect(withheld.files).toEqual([expect.objectContaining({ path: "artifacts/.env" })]);
    expect(git(clone, "log", "--all", "--format=%H", "--", "apps/blog/staging/artifacts/.env")).toBe("");
    const message = git(clone, "log", "-1", "--format=%B");
    expect(message).toContain("blog/staging: apply revision 1");
    expect(message).toContain("Request: (a spec document)");
    expect(message).toContain("Actor: ana");
    expect(message).toMatch(/Plan: [1-9]\d* to create, 0 to update, 0 to delete/);
    expect(message).toMatch(/Cost: \$\d+\.\d\d\/month/);
  });

  it("makes one commit per applied revision (apply, rollback) and history shows each id", async () => {
    expect((await run(dir, home, ["apply", "v2.yaml", "--provider", "null", "--yes"])).code).toBe(0);
    // Nothing to change: no revision, no commit.
    expect((await run(dir, home, ["apply", "v2.yaml", "--provider", "null", "--yes"])).code).toBe(0);
    const back = await run(dir, home, ["rollback", "blog", "--env", "staging", "--yes"]);
    expect(back.code, back.err).toBe(0);
    const clone = cloneOf(bare);
    const subjects = git(clone, "log", "--format=%s").split("\n");
    expect(subjects).toEqual([
      "blog/staging: rollback revision 1",
      "blog/staging: apply revision 2",
      "blog/staging: apply revision 1",
    ]);
    expect(readFileSync(join(clone, "apps/blog/staging/spec.yaml"), "utf8")).toContain("ghost:5.80");
    const history = await run(dir, home, ["history", "blog", "--env", "staging", "--json"]);
    const revisions = JSON.parse(history.out).revisions as { number: number; commit?: string }[];
    const shas = git(clone, "log", "--format=%H").split("\n");
    // Revision 1 is held by the rollback's commit now, revision 2 by its apply's.
    expect(revisions.map((r) => [r.number, r.commit])).toEqual([
      [1, shas[0]],
      [2, shas[1]],
    ]);
    const text = await run(dir, home, ["history", "blog", "--env", "staging"]);
    expect(text.out).toContain(`commit ${shas[1]?.slice(0, 12)}`);
  });

  it("a Git failure warns, records it, and leaves the deployment succeeded", async () => {
    const broken = join(work, "broken");
    mkdirSync(broken, { recursive: true });
    // An existing folder that is no repository: every fetch from it fails.
    mkdirSync(join(broken, "not-a-repo"));
    writeFileSync(join(broken, "codeploy.yaml"), stringify({ gitops: { repo: "./not-a-repo" } }));
    writeFileSync(join(broken, "v1.yaml"), stringify(blog));
    const bhome = join(broken, "home");
    const r = await run(broken, bhome, ["apply", "v1.yaml", "--provider", "null", "--yes"]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/warning: the deployment succeeded but writing it to Git failed: git/);
    expect(r.err).toContain("push it with `git -C");
    const store = await openStateStore({ home: bhome });
    try {
      const [deployment] = await store.listDeployments({ app: "blog" });
      expect(deployment?.outcome).toBe("succeeded");
      expect((await store.getRevision({ app: "blog", environment: "staging" }, 1))?.commit).toBeUndefined();
      const events = await store.listEvents(deployment?.id ?? "");
      expect(events.map((e) => e.type)).toContain("gitops.failed");
      const audit = await store.listAudit({ newestFirst: true, limit: 5 });
      expect(audit.find((a) => a.command === "gitops")).toMatchObject({
        outcome: "failed",
        target: "blog/staging",
      });
    } finally {
      await store.close();
    }
  });
});

describe("codeploy sync", () => {
  const dir = join(work, "sync");
  const home = join(dir, "home");
  const bare = join(dir, "specs.git");
  const author = join(dir, "author");
  mkdirSync(dir, { recursive: true });
  git(dir, "init", "-q", "--bare", "--initial-branch=main", bare);
  git(dir, "clone", "-q", bare, author);
  git(author, "checkout", "-q", "-b", "main");
  mkdirSync(join(author, "specs"));
  const shop = { ...blog, name: "shop", environment: "dev" };
  const commit = (message: string) => {
    git(author, "add", "-A");
    git(author, "commit", "-q", "-m", message);
    git(author, "push", "-q", "origin", "HEAD:main");
  };
  const sync = (...extra: string[]) =>
    run(dir, home, ["sync", "--repo", bare, "--provider", "null", "--json", ...extra]);

  it("plans with --dry-run, refuses without confirmation, applies with --yes, then changes nothing", async () => {
    writeFileSync(join(author, "specs/shop-dev.yaml"), stringify(shop));
    commit("shop in dev");
    const dry = await sync("--dry-run");
    expect(dry.code, dry.err).toBe(0);
    expect(items(dry.out)).toEqual([
      expect.objectContaining({ file: "specs/shop-dev.yaml", outcome: "planned" }),
    ]);
    const unconfirmed = await sync();
    expect(unconfirmed.code).toBe(1);
    expect(items(unconfirmed.out)[0]).toMatchObject({
      outcome: "refused",
      reason: expect.stringMatching(/not confirmed/),
    });
    const applied = await sync("--yes");
    expect(applied.code, applied.err).toBe(0);
    expect(items(applied.out)[0]).toMatchObject({ outcome: "applied", revision: 1 });
    const again = await sync("--yes");
    expect(again.code).toBe(0);
    expect(items(again.out)[0]).toMatchObject({ outcome: "unchanged", revision: 1 });
  });

  it("applies a change committed to the repository, recording the commit it came from", async () => {
    writeFileSync(
      join(author, "specs/shop-dev.yaml"),
      stringify({ ...shop, services: [{ ...shop.services[0], image: "ghost:5.82" }] }),
    );
    commit("shop: ghost 5.82");
    const sha = git(author, "rev-parse", "HEAD");
    // gitops.autoSync lets dev be applied unattended.
    writeFileSync(join(dir, "codeploy.yaml"), stringify({ gitops: { autoSync: ["dev"] } }));
    const r = await sync();
    expect(r.code, r.err).toBe(0);
    expect(items(r.out)[0]).toMatchObject({ outcome: "applied", revision: 2 });
    expect(JSON.parse(r.out).commit).toBe(sha);
    const history = JSON.parse((await run(dir, home, ["history", "shop", "--env", "dev", "--json"])).out);
    const latest = history.revisions.find((r: { number: number }) => r.number === 2);
    expect(latest.request).toBe(`sync ${bare}@${sha}:specs/shop-dev.yaml`);
    expect(latest.sourceCommit).toBe(sha);
    const text = await run(dir, home, ["history", "shop", "--env", "dev"]);
    expect(text.out).toContain(`from ${sha.slice(0, 12)}`);
  });

  it("reports a refused spec (policy error) and still applies the others; exit 1", async () => {
    writeFileSync(
      join(author, "specs/risky-production.yaml"),
      stringify({
        ...shop,
        name: "risky",
        environment: "production",
        buckets: [{ name: "files", public: true }],
      }),
    );
    writeFileSync(join(author, "specs/cart-dev.yaml"), stringify({ ...shop, name: "cart" }));
    writeFileSync(join(author, "specs/broken.yaml"), "name: [unclosed");
    commit("risky, cart and a broken file");
    const r = await sync("--yes");
    expect(r.code).toBe(1);
    const byFile = Object.fromEntries(items(r.out).map((i) => [i.file, i]));
    expect(byFile["specs/risky-production.yaml"]).toMatchObject({
      outcome: "refused",
      reason: expect.stringMatching(/policy errors/),
    });
    expect(byFile["specs/broken.yaml"]).toMatchObject({ outcome: "refused" });
    expect(byFile["specs/cart-dev.yaml"]).toMatchObject({ outcome: "applied", revision: 1 });
    expect(byFile["specs/shop-dev.yaml"]).toMatchObject({ outcome: "unchanged" });
  });

  it("refuses a ref or a repository git could read as an option", async () => {
    const r = await run(dir, home, ["sync", "--repo", "--upload-pack=touch /tmp/x", "--json"]);
    expect(r.code).not.toBe(0);
    const ref = await run(dir, home, ["sync", "--repo", bare, "--ref", "--output=/tmp/x"]);
    expect(ref.code).not.toBe(0);
    expect(ref.err).toMatch(/not a plain Git name/);
  });
});

describe("sync and the commit record through a server (--server)", () => {
  it("applies what the caller's key may deploy, refuses the rest with FORBIDDEN, and the server commits", async () => {
    const { startServer } = await import("../src/server/server.js");
    const { silentLogger } = await import("../src/server/logger.js");
    const { providerResolver } = await import("../src/server/providers.js");
    const { createGit } = await import("../src/gitops/git.js");
    const dir = join(work, "remote");
    mkdirSync(dir, { recursive: true });
    const specs = join(dir, "specs.git");
    const record = join(dir, "record.git");
    const author = join(dir, "author");
    git(dir, "init", "-q", "--bare", "--initial-branch=main", specs);
    git(dir, "clone", "-q", specs, author);
    git(author, "checkout", "-q", "-b", "main");
    mkdirSync(join(author, "specs"));
    for (const environment of ["dev", "staging"])
      writeFileSync(
        join(author, `specs/api-${environment}.yaml`),
        stringify({ ...blog, name: "api", environment }),
      );
    git(author, "add", "-A");
    git(author, "commit", "-q", "-m", "api");
    git(author, "push", "-q", "origin", "HEAD:main");
    const store = await openStateStore({ home: join(dir, "server-home") });
    const token = (
      await store.apiKeys.create({ name: "ci", role: "deployer", environments: ["dev"], createdBy: "t" })
    ).token;
    const server = await startServer({
      store,
      port: 0,
      logger: silentLogger,
      providers: providerResolver({ forced: "null" }),
      gitops: {
        repo: { url: record, local: true },
        home: join(dir, "server-home"),
        git: createGit(),
        branch: "main",
      },
    });
    try {
      const r = await run(dir, join(dir, "client-home"), [
        "sync",
        "--repo",
        specs,
        "--yes",
        "--json",
        "--server",
        server.url,
        "--token",
        token,
      ]);
      expect(r.code).toBe(1);
      const byFile = Object.fromEntries(items(r.out).map((i) => [i.file, i]));
      expect(byFile["specs/api-dev.yaml"]).toMatchObject({ outcome: "applied", revision: 1 });
      expect(byFile["specs/api-staging.yaml"]).toMatchObject({
        outcome: "refused",
        reason: expect.stringMatching(/FORBIDDEN/),
      });
      // The server wrote the applied revision to its repository, the request naming the commit it came from.
      const clone = cloneOf(record);
      const message = git(clone, "log", "-1", "--format=%B");
      expect(message).toContain("api/dev: apply revision 1");
      expect(message).toContain(
        `Request: sync ${specs}@${git(author, "rev-parse", "HEAD")}:specs/api-dev.yaml`,
      );
      expect(message).toContain("Actor: key:ci");
    } finally {
      await server.close(5000);
      await store.close();
    }
  });
});

function items(out: string) {
  return (
    JSON.parse(out) as { items: { file: string; outcome: string; reason?: string; revision?: number }[] }
  ).items;
}
