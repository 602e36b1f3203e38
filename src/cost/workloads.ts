/**
 * The containers an app runs, reduced to what costs money: requested cpu
 * (millicores) and memory (MiB) per replica, how many replicas, and for how
 * long. Services come from the spec; NATS queues (no managed service on any
 * cloud) are added as small containers beside them.
 */
import type { Service } from "../spec/index.js";
import { nameList, type PricingContext } from "./context.js";
import { parseCpu, parseMemoryGib, toMib, toMillicores } from "./quantity.js";
import { QUEUES } from "./queue-models.js";

export const DEFAULT_MILLICORES = 250;
export const DEFAULT_MIB = 512;
const NATS = { millicores: 250, mib: 512 } as const;

export interface Workload {
  readonly component: string;
  readonly kind: "web" | "worker" | "cron" | "queue";
  readonly millicores: number;
  readonly mib: number;
  /** Replicas priced (autoscale.min when autoscaling). */
  readonly replicas: number;
  /** autoscale.max when autoscaling, else `replicas`. */
  readonly maxReplicas: number;
  /** Share of the month a replica runs: 1, or 1/24 for a cron job. */
  readonly dutyCycle: number;
}

function serviceWorkload(service: Service): Workload {
  const millicores = service.resources?.cpu
    ? toMillicores(parseCpu(service.resources.cpu))
    : DEFAULT_MILLICORES;
  const mib = service.resources?.memory ? toMib(parseMemoryGib(service.resources.memory)) : DEFAULT_MIB;
  if (service.kind === "cron") {
    return {
      component: service.name,
      kind: "cron",
      millicores,
      mib,
      replicas: 1,
      maxReplicas: 1,
      dutyCycle: 1 / 24,
    };
  }
  const replicas = service.autoscale?.min ?? service.replicas;
  const maxReplicas = service.autoscale?.max ?? replicas;
  return {
    component: service.name,
    kind: service.kind,
    millicores,
    mib,
    replicas,
    maxReplicas,
    dutyCycle: 1,
  };
}

/** Every workload of the spec, and the assumptions behind their sizes. */
export function buildWorkloads(ctx: PricingContext): Workload[] {
  const { spec } = ctx;
  const workloads = spec.services.map(serviceWorkload);
  const defaulted = spec.services
    .filter((s) => s.chart === undefined && (!s.resources?.cpu || !s.resources?.memory))
    .map((s) => s.name);
  const charts = spec.services.filter((s) => s.chart !== undefined).map((s) => s.name);
  if (charts.length > 0) {
    ctx.assumptions.push(
      `${nameList(charts)} ${charts.length === 1 ? "is a Helm chart" : "are Helm charts"}: priced as one replica of ` +
        `${DEFAULT_MILLICORES / 1000} vCPU and ${DEFAULT_MIB / 1024} GiB each; the chart decides what really runs`,
    );
  }
  if (defaulted.length > 0) {
    ctx.assumptions.push(
      `no cpu or memory given for ${nameList(defaulted)}: assumed ${DEFAULT_MILLICORES / 1000} vCPU and ` +
        `${DEFAULT_MIB / 1024} GiB per replica where missing`,
    );
  }
  for (const s of spec.services) {
    if (s.autoscale) {
      ctx.assumptions.push(
        `${s.name} autoscales from ${s.autoscale.min} to ${s.autoscale.max} replicas: priced at ${s.autoscale.min}; ` +
          `${s.autoscale.max} is the upper bound`,
      );
    }
  }
  const crons = spec.services.filter((s) => s.kind === "cron").map((s) => s.name);
  if (crons.length > 0) {
    ctx.assumptions.push(`cron jobs (${nameList(crons)}): assumed to run 1 hour a day on one replica`);
  }
  const idle = workloads.filter((w) => w.replicas === 0).map((w) => w.component);
  if (idle.length > 0) ctx.assumptions.push(`${nameList(idle)} scaled to 0 replicas: no compute charge`);
  return [...workloads, ...natsWorkloads(ctx)];
}

function natsWorkloads(ctx: PricingContext): Workload[] {
  const replicas = ctx.production ? 3 : 1;
  return ctx.spec.queues
    .filter((q) => QUEUES[ctx.cloud][q.engine].type === "self-hosted")
    .map((q) => {
      ctx.assumptions.push(
        `${q.name} (${q.engine}) has no managed service on ${ctx.cloud}: runs as ${replicas} container(s) of ` +
          `${NATS.millicores / 1000} vCPU and ${NATS.mib / 1024} GiB beside the app`,
      );
      return { component: q.name, kind: "queue", ...NATS, replicas, maxReplicas: replicas, dutyCycle: 1 };
    });
}
