/** Which environment variable holds a model's API key: the one the config names, else the provider's usual one. */
import type { LlmModelConfig } from "../core/config.js";
import type { LlmProviderKind } from "./types.js";

const DEFAULT_KEY_ENV: Partial<Record<LlmProviderKind, string>> = {
  anthropic: "ANTHROPIC_API_KEY",
  openai: "OPENAI_API_KEY",
  gemini: "GEMINI_API_KEY",
};

export function keyEnvOf(m: Pick<LlmModelConfig, "apiKeyEnv" | "provider">): string | undefined {
  return m.apiKeyEnv ?? DEFAULT_KEY_ENV[m.provider];
}
