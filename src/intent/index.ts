export { type GateOptions, gateApply, type Surface, UNNAMED_QUESTION } from "./action-gate.js";
export { appCandidates } from "./app-name.js";
export { type IntentFacts, readFacts } from "./facts.js";
export {
  type Interpreter,
  type InterpretOptions,
  type InterpretResult,
  type InterpretUsage,
  type RollbackTarget,
  withFallback,
} from "./interpreter.js";
export { interpretRules, RULES_INTERPRETER, rulesInterpreter } from "./rules-interpreter.js";
