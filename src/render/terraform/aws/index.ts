/**
 * AWS module: network, RDS / DocumentDB, ElastiCache, SQS / Amazon MQ / MSK,
 * S3, and ECS Fargate behind an ALB (or EKS for target kubernetes).
 */
import type { DeploymentSpec } from "../../../spec/schema.js";
import { imageVariables, type ModuleBuilder, variableBlock } from "../common.js";
import { block, expr } from "../hcl.js";
import { renderAwsAlarms } from "./alarms.js";
import { renderAwsCluster } from "./cluster.js";
import { awsContext } from "./context.js";
import { renderAwsData } from "./data.js";
import { natsServices, renderAwsEcs } from "./ecs.js";
import { renderAwsMessaging } from "./messaging.js";
import { renderAwsNetwork } from "./network.js";

export function renderAws(spec: DeploymentSpec): ModuleBuilder {
  const ctx = awsContext(spec);
  const m = ctx.m;
  m.providers.add("aws");
  m.providerBlocks.push({
    blockType: "provider",
    labels: ["aws"],
    body: { region: expr("var.region"), default_tags: block({ tags: expr("local.tags") }) },
  });
  if (ctx.ecs)
    for (const v of imageVariables([...spec.services, ...natsServices(spec.queues)])) m.variable(v);
  m.variable(
    variableBlock("vpc_cidr", {
      type: "string",
      description: "Address range of the VPC",
      default: "10.0.0.0/16",
    }),
  );
  // Data first: it registers the ports and connection details that the network and services use.
  renderAwsData(ctx);
  renderAwsMessaging(ctx);
  if (ctx.ecs) renderAwsEcs(ctx);
  renderAwsAlarms(ctx);
  if (ctx.eks) renderAwsCluster(ctx);
  renderAwsNetwork(ctx);
  m.output("vpc_id", expr("aws_vpc.main.id"), "VPC of the deployment");
  return m;
}
