/**
 * Target kubernetes on AWS: an EKS cluster and a managed node group in the
 * private subnets. The workloads themselves are not Terraform resources:
 * they come from the kubernetes target's manifests, applied to this cluster.
 */
import { named, resource, variableBlock } from "../common.js";
import { block, call, expr, type TopBlock } from "../hcl.js";
import type { AwsContext } from "./context.js";

const NODE_POLICIES = [
  "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
  "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
  "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
];

const assume = (service: string) =>
  call("jsonencode", {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });

function clusterComment(ctx: AwsContext): string[] {
  const names = ctx.spec.services.map((s) => s.name);
  const lines = [
    "Target kubernetes: Terraform creates the cluster; the workloads",
    `(${names.length > 0 ? names.join(", ") : "none yet"}) come from the kubernetes target's manifests.`,
  ];
  for (const q of ctx.spec.queues.filter((queue) => queue.engine === "nats")) {
    lines.push(`Queue ${q.name}: AWS has no managed NATS; the kubernetes manifests run it in this cluster.`);
  }
  return lines;
}

function variables(ctx: AwsContext): void {
  const p = ctx.production;
  const vars = [
    variableBlock("kubernetes_version", {
      type: "string",
      description: "EKS Kubernetes version",
      default: "1.31",
    }),
    variableBlock("node_instance_type", {
      type: "string",
      description: "EC2 instance type of the worker nodes",
      default: p ? "m6i.large" : "t3.medium",
    }),
    variableBlock("node_min_count", {
      type: "number",
      description: "Fewest worker nodes",
      default: p ? 2 : 1,
    }),
    variableBlock("node_desired_count", {
      type: "number",
      description: "Worker nodes at creation",
      default: p ? 3 : 1,
    }),
    variableBlock("node_max_count", {
      type: "number",
      description: "Most worker nodes",
      default: p ? 10 : 3,
    }),
  ];
  for (const v of vars) ctx.m.variable(v);
}

function controlPlane(ctx: AwsContext): TopBlock[] {
  const logs = ctx.spec.monitoring.enabled ? ["api", "audit", "authenticator"] : [];
  return [
    resource("aws_iam_role", "eks_cluster", {
      name: named("eks-cluster"),
      assume_role_policy: assume("eks.amazonaws.com"),
    }),
    resource("aws_iam_role_policy_attachment", "eks_cluster", {
      role: expr("aws_iam_role.eks_cluster.name"),
      policy_arn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
    }),
    resource(
      "aws_eks_cluster",
      "main",
      {
        name: expr("local.name_prefix"),
        role_arn: expr("aws_iam_role.eks_cluster.arn"),
        version: expr("var.kubernetes_version"),
        enabled_cluster_log_types: logs,
        vpc_config: block({
          subnet_ids: call("concat", expr("aws_subnet.private[*].id"), expr("aws_subnet.public[*].id")),
          endpoint_private_access: true,
          endpoint_public_access: true,
        }),
        access_config: block({
          authentication_mode: "API_AND_CONFIG_MAP",
          bootstrap_cluster_creator_admin_permissions: true,
        }),
        depends_on: [expr("aws_iam_role_policy_attachment.eks_cluster")],
      },
      clusterComment(ctx),
    ),
  ];
}

function nodes(): TopBlock[] {
  return [
    resource("aws_iam_role", "eks_nodes", {
      name: named("eks-nodes"),
      assume_role_policy: assume("ec2.amazonaws.com"),
    }),
    resource("aws_iam_role_policy_attachment", "eks_nodes", {
      for_each: call("toset", NODE_POLICIES),
      role: expr("aws_iam_role.eks_nodes.name"),
      policy_arn: expr("each.value"),
    }),
    resource("aws_eks_node_group", "main", {
      cluster_name: expr("aws_eks_cluster.main.name"),
      node_group_name: "default",
      node_role_arn: expr("aws_iam_role.eks_nodes.arn"),
      subnet_ids: expr("aws_subnet.private[*].id"),
      instance_types: [expr("var.node_instance_type")],
      scaling_config: block({
        desired_size: expr("var.node_desired_count"),
        min_size: expr("var.node_min_count"),
        max_size: expr("var.node_max_count"),
      }),
      update_config: block({ max_unavailable: 1 }),
      // Node scaling is left to the cluster autoscaler once nodes run.
      lifecycle: block({ ignore_changes: [expr("scaling_config[0].desired_size")] }),
      depends_on: [expr("aws_iam_role_policy_attachment.eks_nodes")],
    }),
  ];
}

export function renderAwsCluster(ctx: AwsContext): void {
  variables(ctx);
  ctx.m.add("cluster", ...controlPlane(ctx), ...nodes());
  ctx.m.output("eks_cluster_name", expr("aws_eks_cluster.main.name"), "EKS cluster name");
  ctx.m.output("eks_cluster_endpoint", expr("aws_eks_cluster.main.endpoint"), "Kubernetes API endpoint");
  ctx.m.output(
    "kubeconfig_command",
    expr(`"aws eks update-kubeconfig --region \${var.region} --name \${aws_eks_cluster.main.name}"`),
    "Run this to point kubectl at the cluster",
  );
}
