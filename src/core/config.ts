/**
 * codeploy.yaml: one zod-validated object, loaded at the edge (CLI, server).
 * Order: the file named by --config, else $CODEPLOY_CONFIG, else ./codeploy.yaml
 * when present; environment variables CODEPLOY_* and flags override it there.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseDocument } from "yaml";
import { z } from "zod";
import { ConfigError } from "./errors.js";

const severity = z.enum(["error", "warning", "info"]);

export const configSchema = z.strictObject({
  /** Folder for the embedded state store and the secret seed. @default ~/.codeploy */
  home: z.string().min(1).optional(),
  policy: z
    .strictObject({
      /** JS/TS modules (paths relative to the config file) that export extra policy rules. */
      rules: z.array(z.string().min(1)).default([]),
      /** Rule ids to switch off. */
      disable: z.array(z.string().min(1)).default([]),
      /** Rule id -> severity. */
      severity: z.record(z.string(), severity).default({}),
    })
    .default({ rules: [], disable: [], severity: {} }),
  providers: z
    .strictObject({
      /** The null provider (no side effects): for rehearsals, tests and benchmarks. */
      null: z
        .strictObject({
          delayMs: z.number().int().min(0).optional(),
          failureRate: z.number().min(0).max(1).optional(),
          retryable: z.boolean().optional(),
          failSteps: z.array(z.string()).optional(),
          seed: z.number().int().optional(),
        })
        .optional(),
    })
    .default({}),
});

export type CodeployConfig = z.output<typeof configSchema> & {
  /** Folder of the config file, to resolve relative paths; the working directory when there is none. */
  readonly baseDir: string;
  /** The file it came from, if any. */
  readonly source?: string;
};

export interface LoadConfigOptions {
  readonly file?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

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

export async function loadConfig(options: LoadConfigOptions): Promise<CodeployConfig> {
  const named = options.file ?? options.env.CODEPLOY_CONFIG;
  const path = resolve(options.cwd, named ?? "codeploy.yaml");
  const text = await readIfPresent(path, named !== undefined);
  const baseDir = text === undefined ? options.cwd : resolve(path, "..");
  let raw: unknown = {};
  if (text !== undefined) {
    const doc = parseDocument(text);
    const err = doc.errors[0];
    if (err)
      throw new ConfigError(`${path}: invalid YAML: ${err.message.split("\n")[0]}`, {
        hint: "fix the syntax",
      });
    raw = doc.toJS() ?? {};
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`);
    throw new ConfigError(`${path}: invalid configuration:\n  ${lines.join("\n  ")}`, {
      hint: "see the README's configuration section for the accepted fields",
    });
  }
  const home = options.env.CODEPLOY_HOME ?? parsed.data.home;
  return {
    ...parsed.data,
    ...(home ? { home } : {}),
    baseDir,
    ...(text !== undefined ? { source: path } : {}),
  };
}
