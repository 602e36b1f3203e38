/**
 * `codeploy serve` (the built CLI, a real process) with `gitops.watch` in
 * codeploy.yaml, on a real bare git repository and the null provider: the
 * commit pushed before it started is applied by its first round, a spec
 * committed while it runs is applied on the next tick with that commit on the
 * revision (`codeploy history`), and SIGTERM stops it.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { git } from "./helpers/git.js";

const root = join(import.meta.dirname, "..");
const bin = join(root, "bin/codeploy.cjs");
const work = mkdtempSync(join(tmpdir(), "codeploy-watch-serve-"));
const env = { ...process.env, CODEPLOY_HOME: join(work, "home"), CODEPLOY_DEBUG: "" };
let server: ChildProcess | undefined;
afterAll(() => {
  server?.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

const spec = (image: string) => ({
  name: "shop",
  environment: "staging",
  services: [{ name: "web", image, port: 8080 }],
});

function revisions(): { number: number; sourceCommit?: string; actor: string }[] {
  const r = spawnSync(process.execPath, [bin, "history", "shop", "--env", "staging", "--json"], {
    cwd: work,
    env,
    encoding: "utf8",
    timeout: 30_000,
  });
  if (r.status !== 0) return [];
  return (JSON.parse(r.stdout) as { revisions: { number: number; sourceCommit?: string; actor: string }[] })
    .revisions;
}

/** Polls (bounded) until `count` revisions are recorded. */
async function waitForRevisions(count: number) {
  for (let i = 0; i < 60; i++) {
    const list = revisions();
    if (list.length >= count) return list;
    await new Promise((r) => setTimeout(r, 500));
  }
  return revisions();
}

describe.skipIf(!existsSync(join(root, "dist/bundle/cli.cjs")) && !process.env.CI)(
  "codeploy serve with gitops.watch",
  () => {
    it("applies what is committed, records each commit, and stops on SIGTERM", async () => {
      const bare = join(work, "specs.git");
      const clone = join(work, "clone");
      git(work, "init", "-q", "--bare", "--initial-branch=main", bare);
      git(work, "clone", "-q", bare, clone);
      git(clone, "checkout", "-q", "-b", "main");
      mkdirSync(join(clone, "specs"));
      const commit = (image: string) => {
        writeFileSync(join(clone, "specs/shop.yaml"), stringify(spec(image)));
        git(clone, "add", "-A");
        git(clone, "commit", "-q", "-m", image);
        git(clone, "push", "-q", "origin", "main");
        return git(clone, "rev-parse", "HEAD");
      };
      const first = commit("acme/web:1");
      writeFileSync(
        join(work, "codeploy.yaml"),
        stringify({ gitops: { watch: { repo: "./specs.git", intervalSeconds: 5, actor: "watcher" } } }),
      );
      server = spawn(process.execPath, [bin, "serve", "--port", "0", "--provider", "null"], {
        cwd: work,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let log = "";
      server.stdout?.on("data", (d: Buffer) => {
        log += d.toString();
      });
      server.stderr?.on("data", (d: Buffer) => {
        log += d.toString();
      });

      const applied = await waitForRevisions(1);
      expect(
        applied.map((r) => [r.number, r.sourceCommit, r.actor]),
        log,
      ).toEqual([[1, first, "watcher"]]);

      const second = commit("acme/web:2");
      const both = await waitForRevisions(2);
      expect(
        both.map((r) => [r.number, r.sourceCommit]),
        log,
      ).toEqual([
        [1, first],
        [2, second],
      ]);
      expect(log).toContain("gitops watch: applied specs/shop.yaml");

      const exited = new Promise<number | null>((resolve) => server?.on("exit", (code) => resolve(code)));
      server.kill("SIGTERM");
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("timeout"), 20_000))]);
      expect(code).toBe(0);
    }, 120_000);
  },
);
