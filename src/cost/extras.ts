/**
 * Queues, buckets, the shared load balancer, NAT and monitoring: the parts
 * billed by volume or as one shared resource for the whole app.
 */
import type { Queue } from "../spec/index.js";
import { hourlyItem, nameList, type PricingContext, unitItem } from "./context.js";
import { QUEUES, SHARED } from "./queue-models.js";
import type { CostItem } from "./types.js";

export const BUCKET_GB = 50;
export const LOG_GB_PER_SERVICE = 2;
export const METRICS_PER_SERVICE = 20;

function queueLines(ctx: PricingContext, queue: Queue): CostItem[] {
  const model = QUEUES[ctx.cloud][queue.engine];
  if (model.type === "self-hosted") return []; // priced as containers with the compute
  if (model.type === "broker") {
    const size = model.sizes[ctx.tier];
    const instances = size.instances ?? 1;
    ctx.assumptions.push(`${queue.name}: ${model.service} ${size.label} for ${ctx.spec.environment}`);
    const items = size.parts.map((part) =>
      hourlyItem(ctx, part.sku, {
        component: queue.name,
        kind: "queue",
        description: `${model.service} ${size.label}`,
        count: instances * part.per,
      }),
    );
    if (model.storage) {
      const gb = instances * model.storage.gbPerInstance;
      items.push(
        unitItem(ctx, model.storage.sku, {
          component: queue.name,
          description: `${gb} GB broker storage`,
          quantity: gb,
        }),
      );
    }
    return items;
  }
  ctx.assumptions.push(`${queue.name} (${queue.engine}): priced as ${model.service}, ${model.what}`);
  if (model.type === "fixed") {
    return [
      hourlyItem(ctx, model.sku, {
        component: queue.name,
        kind: "queue",
        description: model.service,
        count: 1,
      }),
    ];
  }
  const quantity = model.perMonth[ctx.tier];
  return [
    unitItem(ctx, model.sku, { component: queue.name, kind: "queue", description: model.service, quantity }),
  ];
}

export function queueItems(ctx: PricingContext): CostItem[] {
  return ctx.spec.queues.flatMap((q) => queueLines(ctx, q));
}

export function bucketItems(ctx: PricingContext): CostItem[] {
  if (ctx.spec.buckets.length === 0) return [];
  ctx.assumptions.push(`buckets: ${BUCKET_GB} GB stored in each; requests and egress not included`);
  return ctx.spec.buckets.map((b) =>
    unitItem(ctx, SHARED[ctx.cloud].bucket, {
      component: b.name,
      description: `${BUCKET_GB} GB stored`,
      quantity: BUCKET_GB,
    }),
  );
}

/** One load balancer shared by every public web service. */
export function loadBalancerItems(ctx: PricingContext): CostItem[] {
  const open = ctx.spec.services.filter((s) => s.kind === "web" && s.public).map((s) => s.name);
  if (open.length === 0) return [];
  const shared = SHARED[ctx.cloud];
  if (ctx.spec.target === "terraform" && !shared.lbServerless) {
    const own = ctx.cloud === "gcp" ? "Cloud Run" : "Container Apps";
    ctx.assumptions.push(`public services use the ${own} built-in HTTPS endpoint: no load balancer charge`);
    return [];
  }
  ctx.assumptions.push(
    `public web services (${nameList(open)}) share one load balancer` +
      `${ctx.cloud === "aws" ? " averaging 1 LCU" : ""}; data processed not included`,
  );
  return shared.lb.map(({ sku, label }) =>
    hourlyItem(ctx, sku, { component: "app", description: `${label}, shared by public services`, count: 1 }),
  );
}

/** Outbound traffic from private subnets: one NAT gateway where the renderer creates one (aws). */
export function natItems(ctx: PricingContext): CostItem[] {
  const sku = SHARED[ctx.cloud].nat;
  if (!sku) return [];
  ctx.assumptions.push(
    "one NAT gateway for outbound traffic from private subnets (not one per zone); data processing and egress not included",
  );
  return [
    hourlyItem(ctx, sku, { component: "app", description: "NAT gateway for outbound traffic", count: 1 }),
  ];
}

export function monitoringItems(ctx: PricingContext): CostItem[] {
  const services = ctx.spec.services.length;
  if (!ctx.spec.monitoring.enabled || services === 0) return [];
  const skus = SHARED[ctx.cloud];
  ctx.assumptions.push(
    `monitoring: ${LOG_GB_PER_SERVICE} GB of logs and ${METRICS_PER_SERVICE} custom metrics per service a month; ` +
      "free tiers not deducted",
  );
  return [
    unitItem(ctx, skus.logs, {
      component: "monitoring",
      description: `log ingestion, ${services} service(s) x ${LOG_GB_PER_SERVICE} GB`,
      quantity: services * LOG_GB_PER_SERVICE,
    }),
    unitItem(ctx, skus.metric, {
      component: "monitoring",
      description: `custom metrics, ${services} service(s) x ${METRICS_PER_SERVICE}`,
      quantity: services * METRICS_PER_SERVICE,
    }),
  ];
}
