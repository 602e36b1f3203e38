/**
 * The monitoring step on Kubernetes: the PodMonitors, the PrometheusRule and
 * the Grafana dashboard ConfigMap. PodMonitor and PrometheusRule are kinds of
 * the Prometheus Operator: on a cluster without its CRDs they are skipped and
 * the step says so (the dashboard and the rest of the deployment still go
 * on), rather than failing every production deployment on such a cluster.
 * PodMonitors of services the spec no longer has are pruned.
 */
import { ProviderError, type StepContext, type StepResult } from "../../engine/provider.js";
import { MONITORING_COMPONENT } from "../../render/kubernetes/monitoring.js";
import type { KubeObject } from "../../render/types.js";
import type { StepEnv } from "./apply.js";
import {
  appSelector,
  componentSelector,
  describeObject,
  describeRef,
  type KindRef,
  OPERATOR_KINDS,
} from "./objects.js";

const DASHBOARD: KindRef = { apiVersion: "v1", kind: "ConfigMap" };

/** The cluster does not serve the kind (no CRD): discovery says so before any request is made. */
export function notServed(error: unknown): boolean {
  return (
    error instanceof ProviderError && (error.code === "KUBE_UNKNOWN_KIND" || error.code === "KUBE_NOT_FOUND")
  );
}

const operatorKind = (o: { kind: string }) => OPERATOR_KINDS.some((k) => k.kind === o.kind);

/** Lists a kind, or nothing when the cluster does not serve it. */
async function listServed(
  kind: KindRef,
  namespace: string,
  selector: string,
  ctx: StepContext,
  env: StepEnv,
) {
  try {
    return await env.client.list(kind.apiVersion, kind.kind, namespace, selector, ctx.signal);
  } catch (error) {
    if (operatorKind(kind) && notServed(error)) return undefined;
    throw error;
  }
}

export async function applyMonitoring(
  objects: readonly KubeObject[],
  namespace: string,
  apply: (o: KubeObject) => Promise<void>,
  ctx: StepContext,
  env: StepEnv,
): Promise<StepResult> {
  const applied: string[] = [];
  const skipped = new Set<string>();
  for (const o of objects) {
    if (skipped.has(o.kind)) continue;
    try {
      await apply(o);
      applied.push(describeObject(o));
      ctx.log(`applied ${describeObject(o)} (server-side, field manager codeploy)`);
    } catch (error) {
      if (!operatorKind(o) || !notServed(error)) throw error;
      skipped.add(o.kind);
      ctx.log(`${o.kind} objects skipped: the cluster does not serve ${o.apiVersion} ${o.kind}`);
    }
  }
  const pruned = await pruneMonitoring(objects, namespace, ctx, env);
  const parts = [`applied ${applied.length} monitoring object${applied.length === 1 ? "" : "s"}`];
  if (skipped.size > 0)
    parts.push(
      `skipped ${[...skipped].join(" and ")}: the cluster has no Prometheus Operator CRDs (monitoring.coreos.com/v1): install the operator (e.g. the kube-prometheus-stack chart); the next deployment that runs the monitoring step creates them`,
    );
  if (pruned.length > 0) parts.push(`pruned: ${pruned.join(", ")}`);
  return { message: parts.join("; "), outputs: { namespace } };
}

/** Deletes this app's operator objects the new revision does not render. */
async function pruneMonitoring(
  objects: readonly KubeObject[],
  namespace: string,
  ctx: StepContext,
  env: StepEnv,
): Promise<string[]> {
  const keep = new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`));
  const pruned: string[] = [];
  for (const kind of OPERATOR_KINDS) {
    const items = await listServed(kind, namespace, appSelector(ctx.app, ctx.environment), ctx, env);
    for (const item of items ?? []) {
      if (keep.has(`${kind.kind}/${item.metadata.name}`)) continue;
      const ref = { ...kind, name: item.metadata.name, namespace };
      if (await env.client.remove(ref, ctx.signal)) pruned.push(describeRef(ref));
    }
  }
  for (const p of pruned) ctx.log(`pruned ${p}: the new revision no longer has it`);
  return pruned;
}

/** remove-monitoring: every operator object of the app and the dashboard. */
export async function removeMonitoring(namespace: string, ctx: StepContext, env: StepEnv): Promise<string[]> {
  const removed: string[] = [];
  const lists: [KindRef, string][] = [
    ...OPERATOR_KINDS.map((k): [KindRef, string] => [k, appSelector(ctx.app, ctx.environment)]),
    [DASHBOARD, componentSelector(ctx.app, ctx.environment, [MONITORING_COMPONENT])],
  ];
  for (const [kind, selector] of lists) {
    for (const item of (await listServed(kind, namespace, selector, ctx, env)) ?? []) {
      const ref = { ...kind, name: item.metadata.name, namespace };
      if (await env.client.remove(ref, ctx.signal)) {
        ctx.log(`deleted ${describeRef(ref)}`);
        removed.push(describeRef(ref));
      }
    }
  }
  return removed;
}
