/**
 * The price table, shipped as data: USD per token (LiteLLM's unit), each entry
 * with the date its figure was read from the provider's public price page.
 * Keys are `provider/model`; a `provider/*` entry prices every model of a
 * provider (local Ollama models cost nothing per token). Update by adding or
 * changing entries with a new date; never guess a price.
 */
export interface ModelPrice {
  readonly inputPerToken: number;
  readonly outputPerToken: number;
  /** Cached input; defaults to the input price. */
  readonly cachedInputPerToken?: number;
  /** When the figure was read (YYYY-MM-DD). */
  readonly date: string;
  readonly source: string;
}

const M = 1e-6;

export const PRICE_TABLE: Readonly<Record<string, ModelPrice>> = {
  "anthropic/claude-opus-4-1": {
    inputPerToken: 15 * M,
    outputPerToken: 75 * M,
    cachedInputPerToken: 1.5 * M,
    date: "2025-10-01",
    source: "anthropic.com/pricing",
  },
  "anthropic/claude-sonnet-4-5": {
    inputPerToken: 3 * M,
    outputPerToken: 15 * M,
    cachedInputPerToken: 0.3 * M,
    date: "2025-10-01",
    source: "anthropic.com/pricing",
  },
  "anthropic/claude-sonnet-4": {
    inputPerToken: 3 * M,
    outputPerToken: 15 * M,
    cachedInputPerToken: 0.3 * M,
    date: "2025-10-01",
    source: "anthropic.com/pricing",
  },
  "anthropic/claude-haiku-4-5": {
    inputPerToken: 1 * M,
    outputPerToken: 5 * M,
    cachedInputPerToken: 0.1 * M,
    date: "2025-10-15",
    source: "anthropic.com/pricing",
  },
  "openai/gpt-5": {
    inputPerToken: 1.25 * M,
    outputPerToken: 10 * M,
    cachedInputPerToken: 0.125 * M,
    date: "2025-10-01",
    source: "openai.com/api/pricing",
  },
  "openai/gpt-5-mini": {
    inputPerToken: 0.25 * M,
    outputPerToken: 2 * M,
    cachedInputPerToken: 0.025 * M,
    date: "2025-10-01",
    source: "openai.com/api/pricing",
  },
  "openai/gpt-4.1": {
    inputPerToken: 2 * M,
    outputPerToken: 8 * M,
    cachedInputPerToken: 0.5 * M,
    date: "2025-10-01",
    source: "openai.com/api/pricing",
  },
  "openai/gpt-4.1-mini": {
    inputPerToken: 0.4 * M,
    outputPerToken: 1.6 * M,
    cachedInputPerToken: 0.1 * M,
    date: "2025-10-01",
    source: "openai.com/api/pricing",
  },
  "openai/gpt-4o": {
    inputPerToken: 2.5 * M,
    outputPerToken: 10 * M,
    cachedInputPerToken: 1.25 * M,
    date: "2025-10-01",
    source: "openai.com/api/pricing",
  },
  "openai/gpt-4o-mini": {
    inputPerToken: 0.15 * M,
    outputPerToken: 0.6 * M,
    cachedInputPerToken: 0.075 * M,
    date: "2025-10-01",
    source: "openai.com/api/pricing",
  },
  "gemini/gemini-2.5-pro": {
    inputPerToken: 1.25 * M,
    outputPerToken: 10 * M,
    cachedInputPerToken: 0.31 * M,
    date: "2025-10-01",
    source: "ai.google.dev/pricing (prompts <= 200k tokens)",
  },
  "gemini/gemini-2.5-flash": {
    inputPerToken: 0.3 * M,
    outputPerToken: 2.5 * M,
    cachedInputPerToken: 0.075 * M,
    date: "2025-10-01",
    source: "ai.google.dev/pricing",
  },
  "openai-compatible/deepseek-chat": {
    inputPerToken: 0.27 * M,
    outputPerToken: 1.1 * M,
    cachedInputPerToken: 0.07 * M,
    date: "2025-09-01",
    source: "api-docs.deepseek.com/quick_start/pricing",
  },
  "openai-compatible/llama-3.3-70b-versatile": {
    inputPerToken: 0.59 * M,
    outputPerToken: 0.79 * M,
    date: "2025-10-01",
    source: "groq.com/pricing",
  },
  "ollama/*": {
    inputPerToken: 0,
    outputPerToken: 0,
    date: "2025-10-01",
    source: "local model: no per-token charge",
  },
};
