/**
 * Reading codeploy.yaml (see config.ts for the order and the schema). Apart
 * from the schema because every CLI command reads the configuration and most
 * run without a file: then the defaults come from `config-defaults.json`,
 * which scripts/bundle-cli.mjs writes beside the bundle from
 * `configSchema.parse({})`, and neither zod nor the schema loads (issue 26).
 * Without that file (dist/, tests) the schema gives the defaults itself.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { CodeployConfig } from "./config.js";
import { ConfigError } from "./errors.js";

export interface LoadConfigOptions {
  readonly file?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

type FileConfig = Omit<CodeployConfig, "baseDir" | "source">;

async function readIfPresent(path: string, required: boolean): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT" && !required) return undefined;
    throw new ConfigError(`cannot read the configuration file ${path}`, {
      cause,
      hint: "check the path given with --config or CODEPLOY_CONFIG",
    });
  }
}

/** The defaults the bundle was built with, parsed anew on each call (callers may change what they get). */
function bundledDefaults(): FileConfig | undefined {
  try {
    return JSON.parse(readFileSync(new URL("./config-defaults.json", import.meta.url), "utf8")) as FileConfig;
  } catch {
    return undefined;
  }
}

async function parseConfig(path: string, text: string | undefined): Promise<FileConfig> {
  let raw: unknown = {};
  if (text !== undefined) {
    const { parseDocument } = await import("./yaml-text.js");
    const doc = parseDocument(text);
    const err = doc.errors[0];
    if (err)
      throw new ConfigError(`${path}: invalid YAML: ${err.message.split("\n")[0]}`, {
        hint: "fix the syntax",
      });
    raw = doc.toJS() ?? {};
  }
  const { configSchema } = await import("./config.js");
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}${emptyKeyNote(i)}`,
    );
    throw new ConfigError(`${path}: invalid configuration:\n  ${lines.join("\n  ")}`, {
      hint: "see the README's configuration section for the accepted fields",
    });
  }
  return parsed.data;
}

/** YAML reads a bare `null:` (or `~:`) key as no name at all: the one key someone means by it is the null provider. */
function emptyKeyNote(issue: { code: string; keys?: readonly string[] }): string {
  return issue.code === "unrecognized_keys" && issue.keys?.includes("")
    ? ' (YAML reads a bare `null:` or `~:` key as an empty name: write "null": in quotes)'
    : "";
}

export async function loadConfig(options: LoadConfigOptions): Promise<CodeployConfig> {
  const named = options.file ?? options.env.CODEPLOY_CONFIG;
  const path = resolve(options.cwd, named ?? "codeploy.yaml");
  const text = await readIfPresent(path, named !== undefined);
  const baseDir = text === undefined ? options.cwd : resolve(path, "..");
  const data = (text === undefined ? bundledDefaults() : undefined) ?? (await parseConfig(path, text));
  const home = options.env.CODEPLOY_HOME ?? data.home;
  return {
    ...data,
    ...(home ? { home } : {}),
    baseDir,
    ...(text !== undefined ? { source: path } : {}),
  };
}
