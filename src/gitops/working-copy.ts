/**
 * The working copy of a repository under `<home>/gitops/`: created on first
 * use, checked to point at the same URL before it is reused (else made
 * again: the folder is ours), and brought to the remote's state before each
 * use. Callers hold the working copy's lock (lock.ts).
 */
import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import type { Git } from "./git.js";
import type { RepoLocation } from "./location.js";

/** Creates a local repository that does not exist yet as a bare one (what a push can update). */
export async function ensureLocalRepository(git: Git, repo: RepoLocation, branch: string): Promise<void> {
  if (!repo.local || existsSync(repo.url)) return;
  await mkdir(repo.url, { recursive: true });
  await git(repo.url, ["init", "-q", "--bare", `--initial-branch=${branch}`]);
}

/** An empty repository in `dir` whose origin is `url` (made again when it points elsewhere). */
export async function ensureWorkingCopy(git: Git, dir: string, url: string): Promise<void> {
  if (existsSync(`${dir}/.git`)) {
    const origin = (await git(dir, ["config", "--get", "remote.origin.url"], { okExitCodes: [0, 1] })).trim();
    if (origin === url) return;
    await rm(dir, { recursive: true, force: true });
  }
  await mkdir(dir, { recursive: true });
  await git(dir, ["init", "-q"]);
  await git(dir, ["remote", "add", "origin", url]);
}

/** The remote's commit of `ref` (a branch or a tag), or undefined when there is none. */
export async function remoteHead(git: Git, dir: string, ref: string): Promise<string | undefined> {
  const out = await git(dir, ["ls-remote", "origin", `refs/heads/${ref}`, `refs/tags/${ref}`]);
  return out.trim().split(/\s+/)[0] || undefined;
}

/**
 * Checks out the remote's `branch` (fetched now) with nothing else in the folder;
 * false when the remote has no such branch yet (the folder is then an empty, unborn `branch`).
 */
export async function resetToRemote(git: Git, dir: string, url: string, branch: string): Promise<boolean> {
  const head = await remoteHead(git, dir, branch);
  if (head === undefined) {
    await rm(dir, { recursive: true, force: true });
    await ensureWorkingCopy(git, dir, url);
    await git(dir, ["symbolic-ref", "HEAD", `refs/heads/${branch}`]);
    return false;
  }
  await git(dir, ["fetch", "-q", "origin", `+refs/heads/${branch}:refs/remotes/origin/${branch}`]);
  await git(dir, ["checkout", "-q", "-f", "-B", branch, `refs/remotes/origin/${branch}`]);
  await git(dir, ["clean", "-q", "-f", "-d", "-x"]);
  return true;
}

/** Checks out `ref` (a branch, a tag or a commit id) detached; resolves with its commit id. */
export async function checkoutRef(git: Git, dir: string, ref: string): Promise<string> {
  await git(dir, ["fetch", "-q", "origin", ref]);
  await git(dir, ["checkout", "-q", "-f", "--detach", "FETCH_HEAD"]);
  await git(dir, ["clean", "-q", "-f", "-d", "-x"]);
  return (await git(dir, ["rev-parse", "HEAD"])).trim();
}
