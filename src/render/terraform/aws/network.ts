/**
 * AWS network: one VPC with two public and two private subnets over two
 * availability zones, a NAT gateway when containers run in the private
 * subnets, and the security groups of the data tier, the load balancer and
 * the ECS tasks.
 */

import { dataSource, named, resource } from "../common.js";
import { block, call, expr, type HclBlock } from "../hcl.js";
import type { AwsContext } from "./context.js";

const AZ = "data.aws_availability_zones.available.names[count.index]";

function subnet(kind: "public" | "private", offset: number, roleTag: string) {
  const index = offset === 0 ? expr("count.index") : expr(`count.index + ${offset}`);
  return resource("aws_subnet", kind, {
    count: 2,
    vpc_id: expr("aws_vpc.main.id"),
    cidr_block: call("cidrsubnet", expr("var.vpc_cidr"), 8, index),
    availability_zone: expr(AZ),
    map_public_ip_on_launch: false,
    tags: { Name: expr(`"\${local.name_prefix}-${kind}-\${count.index}"`), [roleTag]: "1" },
  });
}

function routing(ctx: AwsContext) {
  const blocks = [
    resource("aws_internet_gateway", "main", {
      vpc_id: expr("aws_vpc.main.id"),
      tags: { Name: named("igw") },
    }),
    resource("aws_route_table", "public", {
      vpc_id: expr("aws_vpc.main.id"),
      route: block({ cidr_block: "0.0.0.0/0", gateway_id: expr("aws_internet_gateway.main.id") }),
      tags: { Name: named("public") },
    }),
    resource("aws_route_table_association", "public", {
      count: 2,
      subnet_id: expr("aws_subnet.public[count.index].id"),
      route_table_id: expr("aws_route_table.public.id"),
    }),
  ];
  if (!ctx.containers) return blocks;
  // Tasks and nodes in private subnets pull images and call cloud APIs through NAT.
  return [
    ...blocks,
    resource("aws_eip", "nat", { domain: "vpc", tags: { Name: named("nat") } }),
    resource("aws_nat_gateway", "main", {
      allocation_id: expr("aws_eip.nat.id"),
      subnet_id: expr("aws_subnet.public[0].id"),
      tags: { Name: named("nat") },
      depends_on: [expr("aws_internet_gateway.main")],
    }),
    resource("aws_route_table", "private", {
      vpc_id: expr("aws_vpc.main.id"),
      route: block({ cidr_block: "0.0.0.0/0", nat_gateway_id: expr("aws_nat_gateway.main.id") }),
      tags: { Name: named("private") },
    }),
    resource("aws_route_table_association", "private", {
      count: 2,
      subnet_id: expr("aws_subnet.private[count.index].id"),
      route_table_id: expr("aws_route_table.private.id"),
    }),
  ];
}

function ingressFromVpc(port: number, description: string): HclBlock {
  return block({
    description,
    from_port: port,
    to_port: port,
    protocol: "tcp",
    cidr_blocks: [expr("var.vpc_cidr")],
  });
}

/** The data tier accepts its engines' ports from inside the VPC only. */
function dataSecurityGroup(ctx: AwsContext) {
  if (ctx.dataPorts.size === 0) return [];
  const ingress = [...ctx.dataPorts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([port, what]) => ingressFromVpc(port, what));
  return [
    resource("aws_security_group", "data", {
      name: named("data"),
      description: "Databases, caches and brokers: reachable from inside the VPC only",
      vpc_id: expr("aws_vpc.main.id"),
      ingress,
      tags: { Name: named("data") },
    }),
  ];
}

const EGRESS_ALL = block({ from_port: 0, to_port: 0, protocol: "-1", cidr_blocks: ["0.0.0.0/0"] });

function serviceSecurityGroups(ctx: AwsContext) {
  if (!ctx.ecs) return [];
  const blocks = [];
  if (ctx.hasLoadBalancer) {
    blocks.push(
      resource("aws_security_group", "alb", {
        name: named("alb"),
        description: "Public load balancer: HTTP and HTTPS from anywhere",
        vpc_id: expr("aws_vpc.main.id"),
        ingress: [80, 443].map((port) =>
          block({
            description: `port ${port}`,
            from_port: port,
            to_port: port,
            protocol: "tcp",
            cidr_blocks: ["0.0.0.0/0"],
          }),
        ),
        egress: block({ from_port: 0, to_port: 65535, protocol: "tcp", cidr_blocks: [expr("var.vpc_cidr")] }),
        tags: { Name: named("alb") },
      }),
    );
  }
  const ports = [...new Set(ctx.servicePorts)].sort((a, b) => a - b);
  blocks.push(
    resource("aws_security_group", "services", {
      name: named("services"),
      description: "ECS tasks: service ports from the VPC (load balancer and other services)",
      vpc_id: expr("aws_vpc.main.id"),
      ingress:
        ports.length > 0 ? ports.map((port) => ingressFromVpc(port, `service port ${port}`)) : undefined,
      egress: EGRESS_ALL,
      tags: { Name: named("services") },
    }),
  );
  return blocks;
}

export function renderAwsNetwork(ctx: AwsContext): void {
  ctx.m.add(
    "network",
    dataSource("aws_availability_zones", "available", { state: "available" }),
    resource("aws_vpc", "main", {
      cidr_block: expr("var.vpc_cidr"),
      enable_dns_support: true,
      enable_dns_hostnames: true,
      tags: { Name: expr("local.name_prefix") },
    }),
    subnet("public", 0, "kubernetes.io/role/elb"),
    subnet("private", 10, "kubernetes.io/role/internal-elb"),
    ...routing(ctx),
    ...dataSecurityGroup(ctx),
    ...serviceSecurityGroups(ctx),
  );
}
