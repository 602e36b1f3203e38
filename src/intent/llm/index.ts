/** The LLM interpreter (issue 10): import lazily, it pulls in the LLM client. */
export { type AskAnswer, type AskOptions, askForSpec, LlmSpecError } from "./ask.js";
export { type CrossChecked, crossCheck } from "./cross-check.js";
export { interpreterFromConfig, modelOf, rulesBecause } from "./from-config.js";
export {
  createLlmInterpreter,
  failureReason,
  type InterpretMode,
  type LlmInterpreterOptions,
  llmInterpreterName,
} from "./llm-interpreter.js";
export { interpretModeOf, type ModeFlags, modelConfigured } from "./mode.js";
