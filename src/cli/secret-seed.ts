/**
 * The installation's secret seed: generated credentials are derived from it,
 * so re-rendering the same spec gives the same passwords. Kept in
 * CODEPLOY_HOME with owner-only permissions; never printed. Servers and
 * workers that share one database must derive the same passwords, and their
 * homes are per pod or container: they get one CODEPLOY_SECRET_SEED instead.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../core/errors.js";
import type { CliIo } from "./io.js";

const MIN_SEED_CHARS = 32;

export function codeployHome(io: CliIo): string {
  return io.env.CODEPLOY_HOME ?? join(homedir(), ".codeploy");
}

export async function secretSeed(io: CliIo): Promise<string> {
  const fromEnv = io.env.CODEPLOY_SECRET_SEED;
  if (fromEnv !== undefined && fromEnv !== "") {
    if (fromEnv.length < MIN_SEED_CHARS)
      throw new ConfigError(`CODEPLOY_SECRET_SEED is too short (${fromEnv.length} characters)`, {
        hint: `use at least ${MIN_SEED_CHARS} random characters, e.g. \`openssl rand -hex 32\``,
      });
    return fromEnv;
  }
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
