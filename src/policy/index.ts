export { builtinRules } from "./builtin.js";
export { PolicyPluginError, PolicyRuleError } from "./errors.js";
export { loadCustomRules, type ModuleImporter, moduleSpecifier } from "./plugins.js";
export { assertNoErrors, compareFindings, hasErrors, isSeverity, runPolicy } from "./run.js";
export {
  type Finding,
  type PolicyInput,
  type PolicyOptions,
  type PolicyRule,
  RULE_CATEGORIES,
  type RuleCategory,
  type RuleFinding,
  SEVERITIES,
  type Severity,
} from "./types.js";
