/**
 * Compute: serverless containers for the terraform target (Fargate, Cloud
 * Run, Container Apps), or for kubernetes a control plane plus enough nodes
 * to hold every requested replica with headroom.
 */

import { fargateShape } from "../spec/cloud-sizes.js";
import { hourly, hourlyItem, nameList, type PricingContext, price, unitItem } from "./context.js";
import { formatUsd, toCents } from "./money.js";
import { CONTROL_PLANE, NODES, type NodeType, SERVERLESS, type ServerlessSkus } from "./sizes.js";
import type { CostItem } from "./types.js";
import type { Workload } from "./workloads.js";

/** Share of a node's cpu and memory that pods may request: the rest is system reserve and headroom. */
export const NODE_USABLE_SHARE = 0.7;

/** Cloud Run cpu counts and their memory floor in MiB. */
const CLOUD_RUN = [
  { cpu: 1000, min: 512 },
  { cpu: 2000, min: 1024 },
  { cpu: 4000, min: 2048 },
  { cpu: 8000, min: 4096 },
] as const;

export interface Shape {
  readonly millicores: number;
  readonly mib: number;
}

/** Rounds a container up to a size the product sells (as the terraform renderers do). */
export function shapeFor(kind: ServerlessSkus["shape"], requested: Shape): Shape {
  if (kind === "fargate") {
    return fargateShape(requested);
  }
  if (kind === "cloud-run") {
    const size = CLOUD_RUN.find((s) => s.cpu >= requested.millicores) ?? CLOUD_RUN[3];
    return { millicores: size.cpu, mib: Math.max(size.min, requested.mib) };
  }
  // Container Apps sells cpu in 0.25 steps with exactly 2 GiB per vCPU.
  const wanted = Math.max(requested.millicores, (requested.mib * 1000) / 2048);
  const millicores = Math.ceil(wanted / 250) * 250;
  return { millicores, mib: (millicores * 2048) / 1000 };
}

function perReplicaUsd(ctx: PricingContext, skus: ServerlessSkus, shape: Shape, hours: number): number {
  const vcpu = hourly(price(ctx, skus.vcpu)).priceUsd;
  const mem = hourly(price(ctx, skus.memory)).priceUsd;
  return ((shape.millicores / 1000) * vcpu + (shape.mib / 1024) * mem) * hours;
}

function workloadItems(ctx: PricingContext, skus: ServerlessSkus, w: Workload, shape: Shape): CostItem[] {
  const hours = ctx.hours * w.dutyCycle;
  const vcpu = shape.millicores / 1000;
  const gib = shape.mib / 1024;
  const when = w.dutyCycle < 1 ? ", 1 h a day" : "";
  return [
    hourlyItem(ctx, skus.vcpu, {
      component: w.component,
      kind: "compute",
      description: `${skus.product}: ${w.replicas} x ${vcpu} vCPU${when}`,
      count: w.replicas * vcpu,
      hours,
    }),
    hourlyItem(ctx, skus.memory, {
      component: w.component,
      kind: "compute",
      description: `${skus.product}: ${w.replicas} x ${gib} GiB memory${when}`,
      count: w.replicas * gib,
      hours,
    }),
  ];
}

export function serverlessItems(ctx: PricingContext, workloads: readonly Workload[]): CostItem[] {
  const skus = SERVERLESS[ctx.cloud];
  const items: CostItem[] = [];
  let reshaped = false;
  let headroomUsd = 0;
  for (const w of workloads) {
    const shape = shapeFor(skus.shape, w);
    reshaped ||= shape.millicores !== w.millicores || shape.mib !== w.mib;
    headroomUsd += (w.maxReplicas - w.replicas) * perReplicaUsd(ctx, skus, shape, ctx.hours * w.dutyCycle);
    if (w.replicas > 0) items.push(...workloadItems(ctx, skus, w, shape));
  }
  ctx.assumptions.push(
    `target terraform: containers run on ${skus.product}, billed per vCPU and GiB for every running replica ` +
      "(web and worker replicas always on, no scale to zero)",
  );
  if (reshaped) ctx.assumptions.push(`${skus.product} rounds containers up to the cpu/memory sizes it sells`);
  if (headroomUsd > 0) {
    const more = formatUsd(toCents(headroomUsd) / 100);
    ctx.assumptions.push(`at autoscale.max, compute would cost about ${more} a month more`);
  }
  return items;
}

interface Totals {
  readonly millicores: number;
  readonly mib: number;
}

function totals(workloads: readonly Workload[], at: "replicas" | "maxReplicas"): Totals {
  let millicores = 0;
  let mib = 0;
  for (const w of workloads) {
    millicores += w.millicores * w[at];
    mib += w.mib * w[at];
  }
  return { millicores, mib };
}

/** Nodes needed to hold `t` within the usable share of each node, never fewer than the node group's minimum. */
export function nodesFor(node: NodeType, t: Totals): number {
  const cpuRoom = Math.floor(node.millicores * NODE_USABLE_SHARE);
  const memRoom = Math.floor(node.mib * NODE_USABLE_SHARE);
  return Math.max(node.minimum, Math.ceil(t.millicores / cpuRoom), Math.ceil(t.mib / memRoom));
}

export function kubernetesItems(ctx: PricingContext, workloads: readonly Workload[]): CostItem[] {
  const node = NODES[ctx.cloud][ctx.tier];
  const plane = CONTROL_PLANE[ctx.cloud];
  const need = totals(workloads, "replicas");
  const nodes = nodesFor(node, need);
  const size = `${node.millicores / 1000} vCPU, ${node.mib / 1024} GiB`;
  const items = [
    hourlyItem(ctx, plane[ctx.tier], { component: "cluster", description: plane.label, count: 1 }),
    hourlyItem(ctx, node.sku, {
      component: "cluster",
      description: `${nodes} x ${node.label} worker nodes (${size} each)`,
      count: nodes,
    }),
    unitItem(ctx, node.diskSku, {
      component: "cluster",
      description: `${nodes} x ${node.diskGb} GB ${node.diskLabel}`,
      quantity: nodes * node.diskGb,
    }),
  ];
  if (ctx.cloud === "azure") {
    ctx.assumptions.push(
      ctx.production ? "AKS Standard tier (uptime SLA) in production" : "AKS Free tier outside production",
    );
  }
  const gib = Math.round((need.mib / 1024) * 100) / 100;
  ctx.assumptions.push(
    `kubernetes: ${nodes} x ${node.label} nodes (${size}; ${NODE_USABLE_SHARE * 100}% of each for pods) hold ` +
      `${need.millicores / 1000} vCPU and ${gib} GiB of requests, cron jobs counted at peak; ` +
      `the node group starts with ${node.minimum} in ${ctx.spec.environment}`,
  );
  noteOversized(ctx, node, workloads);
  noteAutoscaleNodes(ctx, node, workloads, nodes);
  return items;
}

function noteOversized(ctx: PricingContext, node: NodeType, workloads: readonly Workload[]): void {
  const big = workloads
    .filter((w) => w.millicores > node.millicores * NODE_USABLE_SHARE || w.mib > node.mib * NODE_USABLE_SHARE)
    .map((w) => w.component);
  if (big.length > 0) {
    ctx.assumptions.push(
      `${nameList(big)} request more per replica than one ${node.label} node offers: a larger node size ` +
        "would be needed; priced by total capacity",
    );
  }
}

function noteAutoscaleNodes(
  ctx: PricingContext,
  node: NodeType,
  workloads: readonly Workload[],
  nodes: number,
): void {
  const atMax = nodesFor(node, totals(workloads, "maxReplicas"));
  if (atMax <= nodes) return;
  const perNode = hourly(price(ctx, node.sku)).priceUsd * ctx.hours;
  const extra = formatUsd(toCents((atMax - nodes) * perNode) / 100);
  ctx.assumptions.push(`at autoscale.max the cluster would need ${atMax} nodes, about ${extra} a month more`);
}
