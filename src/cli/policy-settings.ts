/**
 * The config's policy for the local service: built-in and custom rules, and
 * Rego. Apart from settings.ts so that commands which never review a plan
 * (status, history, logs) do not load the rules (issue 26).
 */
import { resolve } from "node:path";
import type { CodeployConfig } from "../core/config.js";
import { builtinRules, loadCustomRules } from "../policy/index.js";
import { expandRegoPaths, type RegoSettings } from "../policy/rego.js";

/** The config's Rego policies (patterns expanded against the config's folder). */
export function regoSettings(config: CodeployConfig): RegoSettings {
  return {
    files: expandRegoPaths(config.policy.rego.map((p) => resolve(config.baseDir, p))),
    // A bare name (`opa`) is looked up on the PATH; a path is relative to the config file.
    ...(config.policy.opa
      ? {
          opa: config.policy.opa.includes("/")
            ? resolve(config.baseDir, config.policy.opa)
            : config.policy.opa,
        }
      : {}),
    deadlineMs: config.policy.regoTimeoutSeconds * 1000,
  };
}

/** Built-in rules plus the config's custom rule modules, with its switches, and its Rego policies. */
export async function policySettings(config: CodeployConfig) {
  const custom = await loadCustomRules(config.policy.rules.map((p) => resolve(config.baseDir, p)));
  return {
    rules: [...builtinRules, ...custom],
    disabledRules: config.policy.disable,
    severityOverrides: config.policy.severity,
    rego: regoSettings(config),
  };
}
