/**
 * Intermediate results on disk, keyed by the sha256 of the whole input (the
 * file's bytes, or the whole URL for a download), so a re-run resumes where it
 * stopped and two inputs never share a folder. Folders are private (mode 700):
 * transcripts and frames of someone's video are theirs.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** The sha256 of the whole URL: the folder its download goes to. */
export function urlKey(url: string): string {
  return createHash("sha256").update(url).digest("hex");
}

/** Creates `dir` (and its parents) readable by its owner only, also when it existed with wider rights. */
export async function privateDir(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  return dir;
}

export async function hashFile(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export interface StageCache {
  readonly dir: string;
  /** The stored value of `name`, or compute, store and return it; `hit` says which. */
  get<T>(name: string, compute: () => Promise<T>): Promise<{ value: T; hit: boolean }>;
}

/** A cache that stores nothing (`--no-cache`). */
export function noCache(dir: string): StageCache {
  return { dir, get: async (_name, compute) => ({ value: await compute(), hit: false }) };
}

export async function openStageCache(root: string, inputHash: string): Promise<StageCache> {
  await privateDir(root);
  const dir = await privateDir(join(root, inputHash));
  return {
    dir,
    async get<T>(name: string, compute: () => Promise<T>) {
      const path = join(dir, `${name}.json`);
      try {
        return { value: JSON.parse(await readFile(path, "utf8")) as T, hit: true };
      } catch {
        const value = await compute();
        // Written aside then renamed: an interrupted run never leaves half a file behind.
        await writeFile(`${path}.tmp`, JSON.stringify(value));
        await rename(`${path}.tmp`, path);
        return { value, hit: false };
      }
    },
  };
}
