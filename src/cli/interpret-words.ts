/**
 * Words -> spec for every command: the rules alone unless a model is asked
 * for (--llm) or configured (interpret / llm in codeploy.yaml,
 * CODEPLOY_INTERPRET); only then is the LLM client imported.
 */
import { loadConfig } from "../core/config.js";
import { type InterpretOptions, type InterpretResult, interpretRules } from "../intent/index.js";
import { interpretModeOf } from "../intent/llm/mode.js";
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
  const config = await loadConfig({
    ...(flags.config ? { file: flags.config } : {}),
    env: io.env,
    cwd: io.cwd,
  });
  if (interpretModeOf(config, io.env, flags) === "rules") return interpretRules(text, options);
  const { interpreterFromConfig } = await import("../intent/llm/from-config.js");
  return interpreterFromConfig(config, io.env, flags).interpret(text, options);
}
