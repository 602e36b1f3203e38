/**
 * One plan step, applied: server-side apply of the step's objects in apply
 * order, a wait for the workloads (Jobs only after the workloads before them
 * are ready: the bucket Job needs MinIO up), then a prune of the step's own
 * objects that the new manifests no longer have (an HPA when autoscaling was
 * dropped, a Service when the port went).
 */

import type { PlanStep } from "../../engine/provider.js";
import {
  type FoundOwner,
  OwnershipConflictError,
  ProviderError,
  type StepContext,
  type StepResult,
} from "../../engine/provider.js";
import type { KubeObject } from "../../render/types.js";
import { type KubeClient, type LiveObject, refOf } from "./client.js";
import { seconds } from "./errors.js";
import { applyMonitoring } from "./monitoring.js";
import {
  componentSelector,
  describeObject,
  describeRef,
  inLegacyNamespace,
  inNamespace,
  LABELS,
  type ObjectRef,
  objectsForStep,
  type StepObjects,
  scopedToApp,
} from "./objects.js";
import { applyAutoscaled, autoscalerMinimum, isAutoscaled } from "./replicas.js";
import { sleep, WAITED_KINDS, waitUntilReady } from "./rollout.js";

export interface StepEnv {
  readonly client: KubeClient;
  /** The namespace override (configured), or the namespace an earlier version created for the app (found by labels). */
  readonly namespace?: string;
  /**
   * `configured`: the operator chose one namespace for several apps, used as it is when someone else made it.
   * `legacy`: the app's own namespace from an earlier version, named `<app>-<env>`. @default configured when namespace is set
   */
  readonly namespaceKind?: "configured" | "legacy";
  readonly rolloutTimeoutMs: number;
  readonly pollIntervalMs: number;
  readonly now: () => number;
}

export function renderedObjects(
  ctx: StepContext,
  namespace: string | undefined,
  kind: StepEnv["namespaceKind"] = "configured",
): KubeObject[] {
  const objects = ctx.artifacts.kubernetes;
  if (!objects) {
    throw new ProviderError("KUBE_NO_MANIFESTS", "the rendered artifacts hold no Kubernetes objects", {
      hint: "the kubernetes provider needs the spec rendered for target kubernetes (target: kubernetes)",
    });
  }
  const rendered = objects.find((o) => o.kind === "Namespace")?.metadata.name;
  if (kind === "legacy" && namespace && rendered) return inLegacyNamespace(objects, rendered, namespace);
  return inNamespace(objects, namespace);
}

function ownerOfLive(live: LiveObject): FoundOwner {
  const labels = live.metadata.labels ?? {};
  return labels[LABELS.managedBy] === "codeploy"
    ? { app: labels[LABELS.partOf], environment: labels[LABELS.environment] }
    : {};
}

/** Refuses to take over an existing object that is not this app + environment's, unless the person adopts it. */
async function checkOwner(o: KubeObject, ctx: StepContext, env: StepEnv): Promise<LiveObject | undefined> {
  const live = await env.client.read(refOf(o), ctx.signal);
  if (live && !live.metadata.deletionTimestamp && !isOurs(live, ctx)) {
    if (!ctx.adopt) throw new OwnershipConflictError(describeObject(o), ownerOfLive(live), ctx);
    ctx.log(`${describeObject(o)}: adopted on request (it carried another owner's labels or none)`);
  }
  return live;
}

export function isOurs(live: LiveObject | undefined, ctx: { app: string; environment: string }): boolean {
  const labels = live?.metadata.labels ?? {};
  return (
    labels[LABELS.managedBy] === "codeploy" &&
    labels[LABELS.partOf] === ctx.app &&
    labels[LABELS.environment] === ctx.environment
  );
}

/** Polls until the object is gone (a terminating Namespace takes a while). */
/** Polls until the object is gone, or replaced by a new one (another uid): a terminating Namespace takes a while. */
export async function waitGone(
  client: KubeClient,
  ref: ObjectRef,
  ctx: StepContext,
  env: StepEnv,
  uid?: string,
) {
  const deadline = env.now() + env.rolloutTimeoutMs;
  for (;;) {
    const live = await client.read(ref, ctx.signal);
    if (!live || (uid !== undefined && live.metadata.uid !== uid)) return;
    if (env.now() >= deadline) {
      throw new ProviderError(
        "DELETE_TIMEOUT",
        `${describeRef(ref)} was still being deleted after ${seconds(env.rolloutTimeoutMs)}`,
        {
          hint: "finalizers may hold it: look at `kubectl get <kind> <name> -o yaml` (metadata.finalizers)",
        },
      );
    }
    await sleep(Math.min(env.pollIntervalMs, Math.max(0, deadline - env.now())), ctx.signal);
  }
}

/**
 * The Namespace: applied when absent or ours; a namespace someone else made
 * (a shared one named by the override) is used as it is, never relabelled,
 * and the step's namespace-wide policies are narrowed to this app's pods.
 * One still terminating from a destroy is waited out first.
 */
export async function applyNamespace(o: KubeObject, ctx: StepContext, env: StepEnv): Promise<string> {
  const ref = refOf(o);
  const configured = env.namespace !== undefined && (env.namespaceKind ?? "configured") === "configured";
  // A namespace named after the app + environment is the app's own: someone else's is never reused silently.
  const live = configured ? await env.client.read(ref, ctx.signal) : await checkOwner(o, ctx, env);
  if (live?.metadata.deletionTimestamp) {
    ctx.log(`${describeRef(ref)} is still terminating: waiting for it to go before creating it again`);
    await waitGone(env.client, ref, ctx, env);
  } else if (live && !isOurs(live, ctx) && configured) {
    ctx.log(`${describeRef(ref)} exists and is not this app's: using it as configured, as it is`);
    return "kept";
  }
  await env.client.apply(o, ctx.signal);
  return "applied";
}

/**
 * A Job's pod template cannot change: a new bucket list means a new Job, as the renderer's note says.
 * An autoscaled Deployment keeps the replica count its autoscaler set (replicas.ts).
 */
async function applyObject(
  o: KubeObject,
  ctx: StepContext,
  env: StepEnv,
  step: readonly KubeObject[],
): Promise<void> {
  const live = await checkOwner(o, ctx, env);
  if (isAutoscaled(o)) {
    await applyAutoscaled(o, live, autoscalerMinimum(step, o.metadata.name), env.client, ctx);
    return;
  }
  try {
    await env.client.apply(o, ctx.signal);
  } catch (error) {
    const immutable =
      error instanceof ProviderError && error.code === "KUBE_INVALID" && /immutable/.test(error.message);
    if (o.kind !== "Job" || !immutable) throw error;
    ctx.log(`${describeObject(o)} changed a field Jobs cannot change: deleting it and creating it again`);
    // By uid: a parallel step of the same store (another bucket) may have created the new Job already.
    const old = await env.client.read(refOf(o), ctx.signal);
    await env.client.remove(refOf(o), ctx.signal);
    await waitGone(env.client, refOf(o), ctx, env, old?.metadata.uid);
    await env.client.apply(o, ctx.signal);
  }
}

/** The deadline starts when the waiting does: applying many objects on a slow API server does not eat into it. */
async function waitFor(objects: readonly KubeObject[], ctx: StepContext, env: StepEnv) {
  const deadline = env.now() + env.rolloutTimeoutMs;
  const done: string[] = [];
  for (const o of objects.filter((x) => WAITED_KINDS.has(x.kind))) {
    const summary = await waitUntilReady(env.client, refOf(o), {
      deadline,
      timeoutMs: env.rolloutTimeoutMs,
      pollIntervalMs: env.pollIntervalMs,
      signal: ctx.signal,
      log: ctx.log,
      now: env.now,
    });
    ctx.log(`${describeObject(o)}: ${summary}`);
    done.push(`${describeObject(o)}: ${summary}`);
  }
  return done;
}

/** Deletes the step's own objects (by component label) that the new manifests do not have. */
async function prune(
  step: StepObjects,
  namespace: string,
  ctx: StepContext,
  env: StepEnv,
): Promise<string[]> {
  if (step.pruneKinds.length === 0 || step.components.length === 0) return [];
  const keep = new Set(step.objects.map((o) => `${o.kind}/${o.metadata.name}`));
  const selector = componentSelector(ctx.app, ctx.environment, step.components);
  const pruned: string[] = [];
  for (const kind of step.pruneKinds) {
    for (const item of await env.client.list(kind.apiVersion, kind.kind, namespace, selector, ctx.signal)) {
      if (keep.has(`${kind.kind}/${item.metadata.name}`)) continue;
      const ref = { ...kind, name: item.metadata.name, namespace };
      if (await env.client.remove(ref, ctx.signal)) {
        ctx.log(`pruned ${describeRef(ref)}: the new revision no longer has it`);
        pruned.push(describeRef(ref));
      }
    }
  }
  return pruned;
}

export async function applyStep(step: PlanStep, ctx: StepContext, env: StepEnv): Promise<StepResult> {
  const rendered = renderedObjects(ctx, env.namespace, env.namespaceKind);
  const selected = objectsForStep(step, ctx.spec, rendered);
  const namespace = rendered.find((o) => o.kind === "Namespace")?.metadata.name ?? env.namespace ?? "";
  if (step.kind === "monitoring")
    return applyMonitoring(selected.objects, namespace, (o) => applyObject(o, ctx, env, []), ctx, env);
  const jobs = selected.objects.filter((o) => o.kind === "Job");
  const first = selected.objects.filter((o) => o.kind !== "Job");
  const ready: string[] = [];
  let shared = false;
  for (const batch of [first, jobs]) {
    for (const planned of batch) {
      const o: KubeObject = shared ? scopedToApp(planned, ctx.app, ctx.environment) : planned;
      if (o !== planned) ctx.log(`${describeObject(o)}: narrowed to this app's pods in a shared namespace`);
      if (o.kind === "Namespace") shared = (await applyNamespace(o, ctx, env)) === "kept";
      else await applyObject(o, ctx, env, selected.objects);
      ctx.log(`applied ${describeObject(o)} (server-side, field manager codeploy)`);
    }
    ready.push(...(await waitFor(batch, ctx, env)));
  }
  const pruned = await prune(selected, namespace, ctx, env);
  const parts = [`applied ${selected.objects.length} object${selected.objects.length === 1 ? "" : "s"}`];
  if (ready.length > 0) parts.push(`ready: ${ready.join("; ")}`);
  if (pruned.length > 0) parts.push(`pruned: ${pruned.join(", ")}`);
  if (selected.objects.length === 0) parts.splice(0, 1, "nothing to apply for this step on Kubernetes");
  return { message: parts.join("; "), outputs: { namespace } };
}
