/** Intermediate results on disk, keyed by the input's hash, so a re-run resumes where it stopped. */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

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
  const dir = join(root, inputHash.slice(0, 32));
  await mkdir(dir, { recursive: true });
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
