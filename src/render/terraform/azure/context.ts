import { isProduction } from "../../../spec/environment.js";
import type { DeploymentSpec } from "../../../spec/schema.js";
import { ModuleBuilder } from "../common.js";
import { expr, type HclExpr, type HclValue } from "../hcl.js";

/** What the Azure renderers share while they walk one spec. */
export interface AzureContext {
  readonly spec: DeploymentSpec;
  readonly m: ModuleBuilder;
  readonly production: boolean;
  /** Target kubernetes: AKS; otherwise Container Apps. */
  readonly aks: boolean;
  /** Delegated subnets needed by flexible servers, by engine. */
  readonly delegations: Set<"postgres" | "mysql">;
  /** Component name -> environment variables that tell a service how to reach it. */
  readonly connections: Map<string, Record<string, HclValue>>;
}

export function azureContext(spec: DeploymentSpec): AzureContext {
  return {
    spec,
    m: new ModuleBuilder(),
    production: isProduction(spec),
    aks: spec.target === "kubernetes",
    delegations: new Set(),
    connections: new Map(),
  };
}

/** Resource group and location every Azure resource repeats. */
export const PLACE = {
  resource_group_name: expr("azurerm_resource_group.main.name"),
  location: expr("azurerm_resource_group.main.location"),
} as const;

/**
 * A globally unique name: the prefix and suffix cut to fit `max`, then a
 * random hex suffix (8 characters) so that two deployments never collide.
 */
export function uniqueName(suffix: string, max: number): HclExpr {
  return expr(
    `"\${trim(substr("\${local.name_prefix}-${suffix}", 0, ${max - 9}), "-")}-\${random_id.suffix.hex}"`,
  );
}
