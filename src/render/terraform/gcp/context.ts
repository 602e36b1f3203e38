import { isProduction } from "../../../spec/environment.js";
import type { DeploymentSpec } from "../../../spec/schema.js";
import { ModuleBuilder } from "../common.js";
import type { HclValue } from "../hcl.js";

/** What the GCP renderers share while they walk one spec. */
export interface GcpContext {
  readonly spec: DeploymentSpec;
  readonly m: ModuleBuilder;
  readonly production: boolean;
  /** Target kubernetes: a GKE cluster; otherwise Cloud Run. */
  readonly gke: boolean;
  /** Google APIs the module turns on. */
  readonly apis: Set<string>;
  /** Cloud SQL or Memorystore: private services access (VPC peering) is needed. */
  privateServices: boolean;
  /** Component name -> environment variables that tell a service how to reach it. */
  readonly connections: Map<string, Record<string, HclValue>>;
}

export function gcpContext(spec: DeploymentSpec): GcpContext {
  return {
    spec,
    m: new ModuleBuilder(),
    production: isProduction(spec),
    gke: spec.target === "kubernetes",
    apis: new Set(["compute.googleapis.com", "iam.googleapis.com"]),
    privateServices: false,
    connections: new Map(),
  };
}
