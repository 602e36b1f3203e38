import { isProduction } from "../../../spec/environment.js";
import type { DeploymentSpec } from "../../../spec/schema.js";
import { ModuleBuilder } from "../common.js";
import type { Connection } from "../connections.js";
import type { HclValue } from "../hcl.js";

/** One IAM statement a service needs to use a component (its task role gets it). */
export interface AwsAccess {
  readonly actions: readonly string[];
  readonly resources: readonly HclValue[];
}

/** What the AWS renderers share while they walk one spec. */
export interface AwsContext {
  readonly spec: DeploymentSpec;
  readonly m: ModuleBuilder;
  readonly production: boolean;
  /** Services run on ECS Fargate (every target but kubernetes). */
  readonly ecs: boolean;
  /** Target kubernetes: an EKS cluster; the workloads come from the kubernetes target's manifests. */
  readonly eks: boolean;
  /** Containers run in the private subnets (ECS tasks or EKS nodes), so they need NAT. */
  readonly containers: boolean;
  readonly hasLoadBalancer: boolean;
  /** Port -> what listens there, for the data tier's security group. */
  readonly dataPorts: Map<number, string>;
  readonly servicePorts: number[];
  /** Component name -> what a service that depends on it gets (the connection contract). */
  readonly connections: Map<string, Connection<AwsAccess>>;
}

export function awsContext(spec: DeploymentSpec): AwsContext {
  const eks = spec.target === "kubernetes";
  const natsAsService = spec.queues.some((q) => q.engine === "nats");
  const ecs = !eks && (spec.services.length > 0 || natsAsService);
  return {
    spec,
    m: new ModuleBuilder(),
    production: isProduction(spec),
    ecs,
    eks,
    containers: ecs || eks,
    hasLoadBalancer: ecs && spec.services.some((s) => s.public && s.kind === "web"),
    dataPorts: new Map(),
    servicePorts: [],
    connections: new Map(),
  };
}
