/**
 * The interpreter codeploy.yaml asks for: the model from `--llm <member>`
 * (an experts member), `interpret.llm` or `llm.default`, its key read from the
 * environment. A missing model or key is not an error: the rules answer and
 * say why.
 */
import type { CodeployConfig, LlmModelConfig } from "../../core/config.js";
import { ConfigError } from "../../core/errors.js";
import { createLlmClient, type LlmClientOptions, priceOf } from "../../llm/index.js";
import { keyEnvOf } from "../../llm/keys.js";
import type { Interpreter } from "../interpreter.js";
import { rulesInterpreter } from "../rules-interpreter.js";
import { createLlmInterpreter } from "./llm-interpreter.js";
import { interpretModeOf, type ModeFlags } from "./mode.js";

type Env = Readonly<Record<string, string | undefined>>;
type Config = Pick<CodeployConfig, "interpret" | "llm" | "experts">;

function member(config: Config, name: string): LlmModelConfig {
  const found = config.experts.members.find((m) => m.name === name);
  if (!found)
    throw new ConfigError(`unknown model member: ${name}`, {
      hint: `--llm takes a name from experts.members (configured: ${config.experts.members.map((m) => m.name).join(", ") || "none"})`,
    });
  return found;
}

/** The model asked for, or undefined when none is configured. */
export function modelOf(config: Config, flags: ModeFlags): LlmModelConfig | undefined {
  if (typeof flags.llm === "string") return member(config, flags.llm);
  const chosen = config.interpret.llm;
  if (typeof chosen === "string") return member(config, chosen);
  return chosen ?? config.llm.default;
}

/** Answers with the rules, saying why no model was asked. */
export function rulesBecause(reason: string): Interpreter {
  return {
    name: `${rulesInterpreter.name} (no model asked: ${reason})`,
    async interpret(text, options) {
      const result = await rulesInterpreter.interpret(text, options);
      return {
        ...result,
        assumptions: [`no model asked (${reason}): answered by the rules interpreter`, ...result.assumptions],
      };
    },
  };
}

export function interpreterFromConfig(
  config: Config,
  env: Env,
  flags: ModeFlags,
  clientOptions: LlmClientOptions = {},
): Interpreter {
  const mode = interpretModeOf(config, env, flags);
  if (mode === "rules") return rulesInterpreter;
  const model = modelOf(config, flags);
  if (!model) return rulesBecause("no model configured: set interpret.llm or llm.default in codeploy.yaml");
  const keyEnv = keyEnvOf(model);
  const apiKey = keyEnv ? env[keyEnv] : undefined;
  if (keyEnv && !apiKey) return rulesBecause(`missing key: set ${keyEnv}`);
  if (model.provider === "openai-compatible" && !model.baseUrl)
    return rulesBecause("an openai-compatible model needs baseUrl");
  const client = createLlmClient(
    {
      provider: model.provider,
      model: model.model,
      ...(model.baseUrl ? { baseUrl: model.baseUrl } : {}),
      ...(apiKey ? { apiKey } : {}),
    },
    { maxRetries: config.llm.maxRetries, ...clientOptions },
  );
  const price = priceOf(model.provider, model.model, model.price);
  return createLlmInterpreter({
    client,
    mode,
    maxRepairs: config.interpret.maxRepairs,
    deadlineMs: config.interpret.deadlineSeconds * 1000,
    ...(price ? { price } : {}),
  });
}
