/**
 * Words -> spec for every command: the rules alone unless a model is asked
 * for (--llm) or configured (interpret / llm in codeploy.yaml,
 * CODEPLOY_INTERPRET); only then is the LLM client imported.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { type InterpretOptions, type InterpretResult, interpretRules } from "../intent/index.js";
import type { CliIo } from "./io.js";

export interface InterpretWordsFlags {
  /** `--llm` (true) or `--llm <member>`. */
  readonly llm?: string | boolean;
  /** --config of the program. */
  readonly config?: string;
}

export async function interpretWords(
  io: CliIo,
  text: string,
  flags: InterpretWordsFlags,
  options: InterpretOptions = {},
): Promise<InterpretResult> {
  if (rulesWithoutConfig(io, flags)) return interpretRules(text, options);
  const [{ loadConfig }, { interpretModeOf }] = await Promise.all([
    import("../core/config.js"),
    import("../intent/llm/mode.js"),
  ]);
  const config = await loadConfig({
    ...(flags.config ? { file: flags.config } : {}),
    env: io.env,
    cwd: io.cwd,
  });
  if (interpretModeOf(config, io.env, flags) === "rules") return interpretRules(text, options);
  const { interpreterFromConfig } = await import("../intent/llm/from-config.js");
  return interpreterFromConfig(config, io.env, flags).interpret(text, options);
}

/**
 * True when nothing can ask for a model, so the rules answer without reading
 * codeploy.yaml (and without loading its schema): no --llm, and
 * CODEPLOY_INTERPRET=rules (it outranks the file) or no configuration file at
 * all. A file named by --config or CODEPLOY_CONFIG is always read.
 */
function rulesWithoutConfig(io: CliIo, flags: InterpretWordsFlags): boolean {
  if (flags.llm !== undefined && flags.llm !== false) return false;
  const mode = io.env.CODEPLOY_INTERPRET?.trim().toLowerCase();
  if (mode) return mode === "rules";
  if (flags.config !== undefined || io.env.CODEPLOY_CONFIG !== undefined) return false;
  return !existsSync(resolve(io.cwd, "codeploy.yaml"));
}
