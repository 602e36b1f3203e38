import { isProduction } from "../../../spec/environment.js";
import type { DeploymentSpec } from "../../../spec/schema.js";
import { ModuleBuilder } from "../common.js";
import type { Connection } from "../connections.js";
import { expr, type HclExpr, type HclValue } from "../hcl.js";

/** A role the container app's own identity needs on one resource (a blob container). */
export interface AzureAccess {
  readonly scope: HclValue;
  readonly role: string;
  /** Label suffix of the assignment, unique per app: the component's identifier and a word. */
  readonly label: string;
}

/** What the Azure renderers share while they walk one spec. */
export interface AzureContext {
  readonly spec: DeploymentSpec;
  readonly m: ModuleBuilder;
  readonly production: boolean;
  /** Target kubernetes: AKS; otherwise Container Apps. */
  readonly aks: boolean;
  /** Delegated subnets needed by flexible servers, by engine. */
  readonly delegations: Set<"postgres" | "mysql">;
  /** Component name -> what a service that depends on it gets (the connection contract). */
  readonly connections: Map<string, Connection<AzureAccess>>;
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
