/** The terraform provider (target terraform) and the `codeploy terraform` wrapper over any module. */
export {
  declaresBackend,
  pqConnString,
  type ResolvedBackend,
  resolveBackend,
  schemaName,
} from "./backend.js";
export { findTerraform, type TerraformBinary } from "./binary.js";
export { classifyFailure, TerraformError, type TerraformErrorCode } from "./errors.js";
export { type Diagnostic, describeTerraformEvent, parseEventLine, type TerraformEvent } from "./events.js";
export { ModuleWorkspace } from "./module-workspace.js";
export { formatDiff, type PlanDiff, parsePlanJson, parseStateJson, summarizeDiff } from "./plan-diff.js";
export { createTerraformProvider, type TerraformProviderOptions } from "./provider.js";
export { parseTerraformSettings, type TerraformSettings, terraformSettingsSchema } from "./settings.js";
export { TerraformCli } from "./terraform-cli.js";
export { type SavedPlan, type TerraformWrapper, terraformWrapper, type WrapTarget } from "./wrapper.js";
