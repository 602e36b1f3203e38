export { type GateOptions, gateApply, type Surface, UNNAMED_QUESTION } from "./action-gate.js";
export {
  type Interpreter,
  type InterpretOptions,
  type InterpretResult,
  type InterpretUsage,
  type RollbackTarget,
  withFallback,
} from "./interpreter.js";
export { appCandidates } from "./read/app-name.js";
export { type IntentFacts, readFacts } from "./read/facts.js";
export { interpretRules, RULES_INTERPRETER, rulesInterpreter } from "./rules-interpreter.js";
