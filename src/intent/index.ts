export { type IntentFacts, readFacts } from "./facts.js";
export {
  type Interpreter,
  type InterpretOptions,
  type InterpretResult,
  type InterpretUsage,
  withFallback,
} from "./interpreter.js";
export { interpretRules, RULES_INTERPRETER, rulesInterpreter } from "./rules-interpreter.js";
