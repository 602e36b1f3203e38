import { CodeError, type CodeErrorOptions } from "../core/errors.js";

/** A custom rule module that cannot be imported or does not export rules of the right shape. */
export class PolicyPluginError extends CodeError {
  readonly modulePath: string;

  constructor(modulePath: string, message: string, options: CodeErrorOptions = {}) {
    super("POLICY_PLUGIN", `policy plugin ${modulePath}: ${message}`, {
      hint: "a rule module exports `rules` (or a default export): an array of { id, severity, title, description, category, check(input) }",
      ...options,
    });
    this.modulePath = modulePath;
  }
}

/** A rule that threw while checking, or returned something that is not a finding. */
export class PolicyRuleError extends CodeError {
  readonly ruleId: string;

  constructor(ruleId: string, message: string, options: CodeErrorOptions = {}) {
    super("POLICY_RULE", `policy rule ${ruleId}: ${message}`, {
      hint: `fix the rule, or disable ${ruleId} in codeploy.yaml`,
      ...options,
    });
    this.ruleId = ruleId;
  }
}
