/** The one LLM client of the project: see client.ts. */
export { createLlmClient, extractJson, jsonSchemaOf, type LlmClientOptions } from "./client.js";
export { LlmError, type LlmErrorKind, redactSecrets } from "./errors.js";
export { type FetchLike, parseRetryAfter, type Sleep } from "./http.js";
export { keyEnvOf } from "./keys.js";
export { costOf, estimateCost, estimateTokens, type PriceOverride, priceOf, roundUsd } from "./prices.js";
export type { ModelPrice } from "./prices-data.js";
export { PRICE_TABLE } from "./prices-data.js";
export * from "./types.js";
