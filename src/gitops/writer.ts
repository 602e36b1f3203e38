/**
 * Writes each applied revision to the GitOps repository: under the working
 * copy's lock, bring it to the remote's branch, replace
 * `apps/<app>/<env>/` with the revision's files, commit with the request,
 * actor, plan and cost in the message, and push (again after a rebase when
 * another writer pushed first, a bounded number of times).
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { CodeError, UsageError } from "../core/errors.js";
import type { Git } from "./git.js";
import { type RepoLocation, redactUrl, workingCopyPath } from "./location.js";
import { withFileLock } from "./lock.js";
import { commitMessage, type RevisionRecord, recordFiles, recordFolder } from "./record.js";
import { ensureLocalRepository, ensureWorkingCopy, resetToRemote } from "./working-copy.js";

export interface GitopsTarget {
  readonly repo: RepoLocation;
  /** @default "main" */
  readonly branch?: string;
  /** CODEPLOY_HOME: the working copy is `<home>/gitops/<name>`. */
  readonly home: string;
  readonly git: Git;
}

export interface WrittenRevision {
  readonly commit: string;
  readonly branch: string;
}

const PUSH_ATTEMPTS = 3;
const REF = /^(?!.*\.\.)(?!-)[A-Za-z0-9._/-]+$/;

/** A branch, tag or path inside the repository that git cannot read as an option or a way out. */
export function checkRef(ref: string, what = "ref"): string {
  if (!REF.test(ref) || ref.startsWith("/") || ref.endsWith("/")) {
    throw new UsageError(`${what} ${JSON.stringify(ref)} is not a plain Git name`, {
      hint: "letters, digits, . _ - and /, no '..', not starting with '-'",
    });
  }
  return ref;
}

export async function writeRevision(target: GitopsTarget, record: RevisionRecord): Promise<WrittenRevision> {
  const branch = checkRef(target.branch ?? "main", "branch");
  const { git, repo } = target;
  const dir = workingCopyPath(target.home, repo.url);
  await mkdir(dirname(dir), { recursive: true });
  return withFileLock(`${dir}.lock`, async () => {
    await ensureLocalRepository(git, repo, branch);
    await ensureWorkingCopy(git, dir, repo.url);
    await resetToRemote(git, dir, repo.url, branch);
    const folder = recordFolder(record.app, record.environment);
    await rm(join(dir, folder), { recursive: true, force: true });
    for (const [path, content] of recordFiles(record)) {
      if (path.split("/").some((part) => part === ".." || part === "" || part === ".git"))
        throw new CodeError("GIT_FAILED", `refusing to write ${path} into the repository`);
      const file = join(dir, folder, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, content);
    }
    await git(dir, ["add", "-A", "--", folder]);
    await git(dir, ["commit", "-q", "--allow-empty", "-F", "-"], { input: commitMessage(record) });
    await push(git, dir, branch);
    return { commit: (await git(dir, ["rev-parse", "HEAD"])).trim(), branch };
  });
}

/** Pushes HEAD; when the remote moved on, rebases onto it and tries again. */
async function push(git: Git, dir: string, branch: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await git(dir, ["push", "-q", "origin", `HEAD:refs/heads/${branch}`]);
      return;
    } catch (error) {
      if (attempt >= PUSH_ATTEMPTS) throw error;
      await git(dir, ["fetch", "-q", "origin", `+refs/heads/${branch}:refs/remotes/origin/${branch}`]);
      try {
        await git(dir, ["rebase", "-q", `refs/remotes/origin/${branch}`]);
      } catch (conflict) {
        await git(dir, ["rebase", "--abort"], { okExitCodes: [0, 128] });
        throw conflict;
      }
    }
  }
}

/** How to push by hand what a failed push left in the working copy (until the next write resets it). */
export function repushHint(target: GitopsTarget): string {
  const dir = workingCopyPath(target.home, target.repo.url);
  return `push it with \`git -C ${dir} push origin HEAD:refs/heads/${target.branch ?? "main"}\` (before the next apply), or apply the app again: each revision rewrites ${redactUrl(target.repo.url)}'s whole apps/<app>/<env>/ folder`;
}
