import { isProduction } from "../../../spec/environment.js";
import type { DeploymentSpec } from "../../../spec/schema.js";
import { ModuleBuilder } from "../common.js";
import type { Connection } from "../connections.js";
import type { HclValue } from "../hcl.js";

/** A role a service's own account needs on one resource (a bucket, a topic), or on the project with a condition. */
export interface GcpAccess {
  /** `google_storage_bucket_iam_member` and the like; "project" for google_project_iam_member. */
  readonly type: string;
  /** The attribute naming the resource (bucket, topic, subscription) and its value. */
  readonly target: Readonly<Record<string, HclValue>>;
  readonly role: string;
  /** Label suffix of the binding, unique per service: the component's identifier and a word. */
  readonly label: string;
  readonly condition?: { readonly title: string; readonly expression: HclValue };
}

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
  /** Component name -> what a service that depends on it gets (the connection contract). */
  readonly connections: Map<string, Connection<GcpAccess>>;
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
