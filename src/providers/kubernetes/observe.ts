/**
 * What runs now: the app's Deployments, StatefulSets and CronJobs (by label)
 * with ready against desired replicas. Components of the spec with no
 * workload in the cluster are reported as missing.
 */
import type { ObserveContext, ObservedResource } from "../../engine/provider.js";
import type { KubeClient, LiveObject } from "./client.js";
import { appSelector, LABELS } from "./objects.js";

type Fields = Record<string, unknown>;
const fields = (v: unknown): Fields => (typeof v === "object" && v !== null ? (v as Fields) : {});
const num = (v: unknown, fallback: number): number => (typeof v === "number" ? v : fallback);

function images(live: LiveObject): string[] {
  const spec = fields(live.spec);
  const template =
    live.kind === "CronJob" ? fields(fields(fields(spec.jobTemplate).spec).template) : fields(spec.template);
  const containers = fields(template.spec).containers;
  return Array.isArray(containers) ? containers.map((c) => String(fields(c).image ?? "")) : [];
}

function workload(live: LiveObject): ObservedResource {
  const spec = fields(live.spec);
  const status = fields(live.status);
  const component = live.metadata.labels?.[LABELS.name] ?? live.metadata.name;
  const base = { kind: live.kind ?? "", name: live.metadata.name };
  if (live.kind === "CronJob") {
    const suspended = spec.suspend === true;
    return {
      ...base,
      status: suspended ? "stopped" : "running",
      details: {
        component,
        schedule: spec.schedule,
        images: images(live),
        lastScheduleTime: status.lastScheduleTime,
      },
    };
  }
  const desired = num(spec.replicas, 1);
  const ready = num(live.kind === "Deployment" ? status.availableReplicas : status.readyReplicas, 0);
  const current = num(status.observedGeneration, -1) >= num(live.metadata.generation, 0);
  const state = desired === 0 ? "stopped" : ready >= desired && current ? "running" : "degraded";
  return { ...base, status: state, details: { component, ready, desired, images: images(live) } };
}

const KINDS = [
  { apiVersion: "apps/v1", kind: "Deployment" },
  { apiVersion: "apps/v1", kind: "StatefulSet" },
  { apiVersion: "batch/v1", kind: "CronJob" },
];

export async function observeApp(
  client: KubeClient,
  namespace: string,
  ctx: ObserveContext,
): Promise<readonly ObservedResource[]> {
  const selector = appSelector(ctx.app, ctx.environment);
  const found: ObservedResource[] = [];
  for (const k of KINDS) {
    for (const live of await client.list(k.apiVersion, k.kind, namespace, selector, ctx.signal))
      found.push(workload(live));
  }
  const seen = new Set(found.map((r) => fields(r.details).component));
  const spec = ctx.spec;
  if (spec) {
    const expected = [
      // A chart service's objects are the chart's: index.ts reports its release instead.
      ...spec.services
        .filter((s) => s.chart === undefined)
        .map((s) => ({ kind: s.kind === "cron" ? "CronJob" : "Deployment", name: s.name })),
      ...[spec.databases, spec.caches, spec.queues]
        .flat()
        .map((c) => ({ kind: "StatefulSet", name: c.name })),
    ];
    for (const e of expected) if (!seen.has(e.name)) found.push({ ...e, status: "missing" });
  }
  return found.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}
