/**
 * A copy of a user's Terraform module taken at plan time, so that the plan is
 * made from, and applied to, exactly those files and nothing in the user's
 * folder is written to. Local module sources (`source = "../modules/vpc"`)
 * come along with their relative layout, so they still resolve in the copy.
 * The hash names the content: apply refuses when the folder changed since.
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { NotFoundError, UsageError } from "../../core/errors.js";

export interface SnapshotFile {
  /** Relative to the snapshot root, with forward slashes. */
  readonly path: string;
  readonly content: Buffer;
}

export interface ModuleSnapshot {
  /** The folder that holds the module and every local module it uses. */
  readonly root: string;
  /** The module's folder relative to `root` ("" when it is the root). */
  readonly modulePath: string;
  readonly files: readonly SnapshotFile[];
  /** sha256 over every path and content. */
  readonly hash: string;
}

/** Never copied: Terraform's working data, state, saved plans, version control, dependencies. */
const SKIP_DIRS = new Set([".terraform", ".git", "node_modules", "terraform.tfstate.d", ".codeploy"]);
const SKIP_FILE = /^terraform\.tfstate(\.backup)?$|\.tfplan$|^\.terraform\.tfstate\.lock\.info$/;
const MAX_BYTES = 64 * 1024 * 1024;

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) out.push(...(await listFiles(path)));
    } else if (e.isFile() && !SKIP_FILE.test(e.name)) {
      out.push(path);
    }
  }
  return out;
}

/** Local module sources named in a module's .tf files, as absolute folders. */
export function localSources(dir: string, tfText: string): string[] {
  const found = [...tfText.matchAll(/^\s*source\s*=\s*"(\.{1,2}\/[^"]*)"/gm)].map((m) => m[1] ?? "");
  return found.filter(Boolean).map((s) => resolve(dir, s));
}

function commonRoot(dirs: readonly string[]): string {
  const split = dirs.map((d) => d.split(sep));
  const first = split[0] ?? [];
  let n = 0;
  while (n < first.length && split.every((parts) => parts[n] === first[n])) n++;
  return first.slice(0, n).join(sep) || sep;
}

async function assertFolder(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (!info)
    throw new NotFoundError(`folder not found: ${dir}`, { hint: "name the folder of a Terraform module" });
  if (!info.isDirectory())
    throw new UsageError(`${dir} is not a folder`, { hint: "name the folder of a Terraform module" });
}

/** Reads the module at `dir` and the local modules it uses (recursively). */
export async function readModuleTree(dir: string): Promise<ModuleSnapshot> {
  const start = resolve(dir);
  await assertFolder(start);
  const folders = new Set<string>();
  const queue = [start];
  const contents = new Map<string, Buffer>();
  while (queue.length > 0) {
    const folder = queue.shift() ?? start;
    if (folders.has(folder)) continue;
    await assertFolder(folder);
    folders.add(folder);
    for (const file of await listFiles(folder)) {
      if (contents.has(file)) continue;
      const content = await readFile(file);
      contents.set(file, content);
      if (file.endsWith(".tf")) queue.push(...localSources(dirname(file), content.toString("utf8")));
    }
  }
  if (![...contents.keys()].some((f) => f.startsWith(start + sep) && /\.tf(\.json)?$/.test(f))) {
    throw new UsageError(`${dir} holds no Terraform files (*.tf)`, {
      hint: "name the folder of a Terraform module",
    });
  }
  const size = [...contents.values()].reduce((n, b) => n + b.length, 0);
  if (size > MAX_BYTES) {
    throw new UsageError(
      `${dir} and its local modules hold ${Math.round(size / 1e6)} MB: too much to snapshot`,
      {
        hint: "keep large files out of the module folder",
      },
    );
  }
  const root = commonRoot([...folders]);
  const files = [...contents.entries()]
    .map(([abs, content]) => ({ path: relative(root, abs).split(sep).join("/"), content }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const hash = createHash("sha256");
  for (const f of files) hash.update(f.path).update("\0").update(f.content).update("\0");
  return { root, modulePath: relative(root, start).split(sep).join("/"), files, hash: hash.digest("hex") };
}

/** Writes the snapshot under `target` (emptied first) and returns the module's folder in it. */
export async function writeSnapshot(snapshot: ModuleSnapshot, target: string): Promise<string> {
  await rm(target, { recursive: true, force: true });
  for (const f of snapshot.files) {
    const path = join(target, ...f.path.split("/"));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, f.content);
  }
  const moduleDir = join(target, ...snapshot.modulePath.split("/").filter(Boolean));
  await mkdir(moduleDir, { recursive: true });
  return moduleDir;
}
