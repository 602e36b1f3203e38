/**
 * Which interpreter answers, decided without importing the LLM client, so
 * that `codeploy interpret` with no model configured stays as fast as the
 * rules alone.
 */
import type { CodeployConfig } from "../../core/config.js";
import { UsageError } from "../../core/errors.js";
import type { InterpretMode } from "./llm-interpreter.js";

type Env = Readonly<Record<string, string | undefined>>;
const MODES: readonly InterpretMode[] = ["rules", "hybrid", "llm"];

export interface ModeFlags {
  /** `--llm` alone (true) or `--llm <member>`. */
  readonly llm?: string | boolean;
}

function envMode(env: Env): InterpretMode | undefined {
  const raw = env.CODEPLOY_INTERPRET?.trim().toLowerCase();
  if (!raw) return undefined;
  const mode = MODES.find((m) => m === raw);
  if (!mode)
    throw new UsageError(`CODEPLOY_INTERPRET=${raw} is not a mode`, { hint: "use rules, hybrid or llm" });
  return mode;
}

/** True when interpret.llm or llm.default names a model. */
export function modelConfigured(config: Pick<CodeployConfig, "interpret" | "llm">): boolean {
  return config.interpret.llm !== undefined || config.llm.default !== undefined;
}

/** --llm, then $CODEPLOY_INTERPRET, then interpret.mode, then hybrid when a model is configured. */
export function interpretModeOf(
  config: Pick<CodeployConfig, "interpret" | "llm">,
  env: Env,
  flags: ModeFlags,
): InterpretMode {
  if (flags.llm !== undefined && flags.llm !== false) return "llm";
  return envMode(env) ?? config.interpret.mode ?? (modelConfigured(config) ? "hybrid" : "rules");
}
