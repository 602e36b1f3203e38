/**
 * Where `codeploy render --out DIR` may write. A folder that is empty, missing,
 * or was written by an earlier render (it holds our manifest) is ours; any
 * other non-empty folder belongs to someone else and is refused unless
 * `--force`, so a mistyped `--out .` never overwrites a person's files.
 *
 * The manifest (`.codeploy-render.json`) lists each file written with its
 * sha256. A re-render removes the files of the previous render that it no
 * longer produces, but only while they are unchanged: a file someone edited
 * is kept and named.
 */
import { createHash } from "node:crypto";
import { lstat, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { CodeError } from "../core/errors.js";

export const MANIFEST = ".codeploy-render.json";

interface ManifestFile {
  readonly path: string;
  readonly sha256: string;
}

interface Manifest {
  readonly generator: "codeploy render";
  readonly target: string;
  readonly files: readonly ManifestFile[];
}

export interface RenderedFile {
  readonly path: string;
  readonly content: string;
}

export interface WriteResult {
  /** Files of the previous render that this one no longer produces, removed. */
  readonly removed: readonly string[];
  /** Files of the previous render that were edited since: left in place. */
  readonly keptEdited: readonly string[];
}

const sha256 = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");

/** The previous manifest, or undefined when the folder holds none (or a foreign file by that name). */
async function readManifest(out: string): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(out, MANIFEST), "utf8");
  } catch {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (isManifest(value)) return value;
  } catch {
    // not ours
  }
  return undefined;
}

function isManifest(value: unknown): value is Manifest {
  if (value === null || typeof value !== "object") return false;
  if (!("generator" in value) || value.generator !== "codeploy render") return false;
  if (!("files" in value) || !Array.isArray(value.files)) return false;
  return value.files.every(
    (f: unknown) =>
      f !== null &&
      typeof f === "object" &&
      "path" in f &&
      typeof f.path === "string" &&
      "sha256" in f &&
      typeof f.sha256 === "string",
  );
}

async function entriesOf(out: string): Promise<string[] | undefined> {
  try {
    const info = await lstat(out);
    if (!info.isDirectory()) {
      throw new CodeError("OUT_NOT_EMPTY", `${out} exists and is not a folder`, {
        hint: "name a new or empty folder with --out",
      });
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return readdir(out);
}

/** A path from the manifest or the renderer that stays inside `out` (a manifest can be edited). */
function inside(out: string, path: string): string | undefined {
  const full = resolve(out, path);
  return full.startsWith(out + sep) ? full : undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function removeStale(out: string, previous: Manifest, next: ReadonlySet<string>): Promise<WriteResult> {
  const removed: string[] = [];
  const keptEdited: string[] = [];
  for (const file of previous.files) {
    const full = inside(out, file.path);
    if (next.has(file.path) || full === undefined) continue;
    let content: Buffer;
    try {
      if (!(await lstat(full)).isFile()) continue;
      content = await readFile(full);
    } catch {
      continue; // already gone
    }
    if (sha256(content) === file.sha256) {
      await rm(full);
      removed.push(file.path);
    } else keptEdited.push(file.path);
  }
  return { removed, keptEdited };
}

/**
 * Writes the rendered files into `out` under the rule above. Refuses with
 * OUT_NOT_EMPTY (exit 1) a non-empty folder without our manifest, unless `force`.
 */
export async function writeRenderOutput(
  outDir: string,
  target: string,
  files: readonly RenderedFile[],
  force: boolean,
): Promise<WriteResult> {
  const out = resolve(outDir);
  const entries = await entriesOf(out);
  const previous = entries === undefined ? undefined : await readManifest(out);
  if (entries !== undefined && entries.length > 0 && previous === undefined && !force) {
    const shown = entries.slice(0, 3).join(", ") + (entries.length > 3 ? ", ..." : "");
    throw new CodeError(
      "OUT_NOT_EMPTY",
      `${out} is not empty (${shown}) and was not written by codeploy render`,
      {
        hint: "name a new or empty folder with --out, or pass --force to write into it anyway",
      },
    );
  }
  const written = new Set(previous?.files.map((f) => f.path));
  for (const file of files) {
    const full = inside(out, file.path);
    if (full === undefined)
      throw new CodeError("OUT_NOT_EMPTY", `refusing to write outside ${out}: ${file.path}`);
    if (previous !== undefined && !force && !written.has(file.path) && (await exists(full))) {
      throw new CodeError("OUT_NOT_EMPTY", `${file.path} in ${out} was not written by codeploy render`, {
        hint: "move that file away, or pass --force to overwrite it",
      });
    }
    await mkdir(dirname(full), { recursive: true });
    // A symlink planted in the folder must not redirect the write elsewhere.
    await rm(full, { force: true });
    // Artifacts can hold generated credentials (Kubernetes Secret, compose env): owner-only.
    await writeFile(full, file.content, { mode: 0o600, flag: "wx" });
  }
  const next = new Set(files.map((f) => f.path));
  const result =
    previous === undefined ? { removed: [], keptEdited: [] } : await removeStale(out, previous, next);
  const manifest: Manifest = {
    generator: "codeploy render",
    target,
    files: files.map((f) => ({ path: f.path, sha256: sha256(f.content) })),
  };
  await writeFile(join(out, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return result;
}
