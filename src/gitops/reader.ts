/**
 * `codeploy sync`'s side of the repository: a clean checkout of a ref in a
 * working copy of its own, and the spec files under a folder: every YAML or
 * JSON file directly in it, and every `spec.yaml` / `spec.yml` / `spec.json`
 * deeper (the layout `apps/<app>/<env>/` that the writer keeps). Links are
 * not followed: a repository cannot make CODE read a file outside it.
 */
import { lstat, mkdir, readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Git } from "./git.js";
import { type RepoLocation, workingCopyPath } from "./location.js";
import { withFileLock } from "./lock.js";
import { checkoutRef, ensureWorkingCopy } from "./working-copy.js";
import { checkRef } from "./writer.js";

export interface SpecFile {
  /** Path in the repository, such as `specs/shop-staging.yaml`. */
  readonly path: string;
  readonly text: string;
}

export interface Checkout {
  readonly commit: string;
  readonly files: readonly SpecFile[];
}

const SPEC_FILE = /\.(ya?ml|json)$/i;
const NESTED_SPEC = /^spec\.(ya?ml|json)$/i;
/** Bounds of one read: a repository cannot make a sync read without end. */
const MAX_FILES = 1000;
const MAX_DEPTH = 8;
/** A spec file larger than this is left out (a spec is a few KB). */
const MAX_BYTES = 1024 * 1024;

export async function readSpecs(
  options: { readonly repo: RepoLocation; readonly home: string; readonly git: Git },
  ref: string,
  folder: string,
): Promise<Checkout> {
  checkRef(ref, "ref");
  const path = folder.replace(/^\.?\/+/, "").replace(/\/+$/, "");
  if (path !== "") checkRef(path, "path");
  const dir = workingCopyPath(options.home, options.repo.url, "sync");
  await mkdir(dirname(dir), { recursive: true });
  return withFileLock(`${dir}.lock`, async () => {
    await ensureWorkingCopy(options.git, dir, options.repo.url);
    const commit = await checkoutRef(options.git, dir, ref);
    const files: SpecFile[] = [];
    await walk(dir, path, 0, files);
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { commit, files };
  });
}

async function walk(root: string, rel: string, depth: number, out: SpecFile[]): Promise<void> {
  if (depth > MAX_DEPTH || out.length >= MAX_FILES) return;
  const here = join(root, rel);
  let entries: string[];
  try {
    if (!(await lstat(here)).isDirectory()) return;
    entries = (await readdir(here)).sort();
  } catch {
    return;
  }
  for (const name of entries) {
    if (name === ".git" || out.length >= MAX_FILES) continue;
    const path = rel === "" ? name : `${rel}/${name}`;
    const info = await lstat(join(root, path));
    if (info.isDirectory()) await walk(root, path, depth + 1, out);
    else if (
      info.isFile() &&
      info.size <= MAX_BYTES &&
      (depth === 0 ? SPEC_FILE.test(name) : NESTED_SPEC.test(name))
    )
      out.push({ path, text: await readFile(join(root, path), "utf8") });
  }
}
