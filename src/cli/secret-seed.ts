/**
 * The installation's secret seed: generated credentials are derived from it,
 * so re-rendering the same spec gives the same passwords. Kept in
 * CODEPLOY_HOME with owner-only permissions; never printed.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import type { CliIo } from "./io.js";

export function codeployHome(io: CliIo): string {
  return io.env.CODEPLOY_HOME ?? join(homedir(), ".codeploy");
}

export async function secretSeed(io: CliIo): Promise<string> {
  const home = codeployHome(io);
  const path = join(home, "secret-seed");
  try {
    return (await readFile(path, "utf8")).trim();
  } catch {
    await mkdir(home, { recursive: true, mode: 0o700 });
    const seed = randomBytes(32).toString("base64url");
    try {
      await writeFile(path, `${seed}\n`, { mode: 0o600, flag: "wx" });
      return seed;
    } catch {
      // Another process created it first: use theirs.
      return (await readFile(path, "utf8")).trim();
    }
  }
}
