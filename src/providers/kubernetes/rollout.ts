/**
 * Waiting for what was applied to run: a Deployment is rolled out when its
 * controller has seen the new generation and every replica is updated and
 * available (the rules of `kubectl rollout status`); a StatefulSet when all
 * replicas are ready on the update revision; a Job when it completed. Polls
 * until a deadline, logs progress when it changes, and on timeout says why
 * from the pods (ImagePullBackOff, CrashLoopBackOff, Unschedulable...).
 */
import { ProviderError } from "../../engine/provider.js";
import type { KubeClient, LiveObject } from "./client.js";
import { seconds } from "./errors.js";
import { describeRef, type ObjectRef } from "./objects.js";

export type Readiness =
  | { readonly state: "ready"; readonly summary: string }
  | { readonly state: "waiting"; readonly summary: string }
  | { readonly state: "failed"; readonly summary: string };

type Fields = Record<string, unknown>;

function fields(value: unknown): Fields {
  return typeof value === "object" && value !== null ? (value as Fields) : {};
}

function num(value: unknown, fallback: number): number {
  return typeof value === "number" ? value : fallback;
}

function conditions(status: Fields): Fields[] {
  return Array.isArray(status.conditions) ? status.conditions.map(fields) : [];
}

function condition(status: Fields, type: string): Fields | undefined {
  return conditions(status).find((c) => c.type === type);
}

/** Kinds whose readiness codeploy waits for. */
export const WAITED_KINDS = new Set(["Deployment", "StatefulSet", "Job"]);

function generationSeen(live: LiveObject, status: Fields): boolean {
  return num(status.observedGeneration, -1) >= num(live.metadata.generation, 0);
}

function deployment(live: LiveObject): Readiness {
  const status = fields(live.status);
  if (!generationSeen(live, status))
    return { state: "waiting", summary: "waiting for the controller to see the new generation" };
  // The ReplicaSet could not create pods: an admission plugin (Pod Security,
  // a quota, a webhook) refused them. Waiting cannot help; the message says why.
  const refused = condition(status, "ReplicaFailure");
  if (refused?.status === "True")
    return {
      state: "failed",
      summary: `pods are refused: ${String(refused.message ?? refused.reason ?? "")}`,
    };
  const progressing = condition(status, "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded")
    return { state: "failed", summary: `progress deadline exceeded: ${String(progressing.message ?? "")}` };
  const desired = num(fields(live.spec).replicas, 1);
  const updated = num(status.updatedReplicas, 0);
  const replicas = num(status.replicas, 0);
  const available = num(status.availableReplicas, 0);
  if (updated < desired) return { state: "waiting", summary: `${updated} of ${desired} replicas updated` };
  if (replicas > updated)
    return { state: "waiting", summary: `${replicas - updated} old replicas pending termination` };
  if (available < updated)
    return { state: "waiting", summary: `${available} of ${updated} updated replicas available` };
  return { state: "ready", summary: `${available} of ${desired} replicas available` };
}

function statefulSet(live: LiveObject): Readiness {
  const status = fields(live.status);
  if (!generationSeen(live, status))
    return { state: "waiting", summary: "waiting for the controller to see the new generation" };
  // The StatefulSet controller reports refused pods only as events; rollout.ts reads them on timeout.
  const desired = num(fields(live.spec).replicas, 1);
  const ready = num(status.readyReplicas, 0);
  if (ready < desired) return { state: "waiting", summary: `${ready} of ${desired} replicas ready` };
  const strategy = fields(fields(live.spec).updateStrategy).type;
  if (
    strategy !== "OnDelete" &&
    status.updateRevision !== undefined &&
    status.updateRevision !== status.currentRevision
  ) {
    return {
      state: "waiting",
      summary: `${num(status.updatedReplicas, 0)} of ${desired} replicas on the new revision`,
    };
  }
  return { state: "ready", summary: `${ready} of ${desired} replicas ready` };
}

function job(live: LiveObject): Readiness {
  const status = fields(live.status);
  const failed = condition(status, "Failed");
  if (failed?.status === "True")
    return {
      state: "failed",
      summary: `${String(failed.reason ?? "failed")}: ${String(failed.message ?? "")}`.trim(),
    };
  if (condition(status, "Complete")?.status === "True") return { state: "ready", summary: "completed" };
  const completions = num(fields(live.spec).completions, 1);
  return { state: "waiting", summary: `${num(status.succeeded, 0)} of ${completions} completions` };
}

export function readiness(live: LiveObject): Readiness | undefined {
  switch (live.kind) {
    case "Deployment":
      return deployment(live);
    case "StatefulSet":
      return statefulSet(live);
    case "Job":
      return job(live);
    default:
      return undefined;
  }
}

/** The first reason a pod gives for not being ready: `web-7d9-0: ImagePullBackOff: Back-off pulling image "x"`. */
export function podProblem(pods: readonly LiveObject[]): string | undefined {
  for (const pod of pods) {
    const status = fields(pod.status);
    const statuses = Array.isArray(status.containerStatuses) ? status.containerStatuses.map(fields) : [];
    for (const c of statuses) {
      if (c.ready === true) continue;
      const state = fields(c.state);
      const last = fields(fields(c.lastState).terminated);
      const why = fields(state.waiting ?? state.terminated);
      if (typeof why.reason === "string") {
        const exit = typeof last.reason === "string" ? ` (last exit: ${last.reason})` : "";
        return `pod ${pod.metadata.name}: ${why.reason}${why.message ? `: ${String(why.message)}` : ""}${exit}`;
      }
    }
    const scheduled = condition(status, "PodScheduled");
    if (scheduled?.status === "False")
      return `pod ${pod.metadata.name}: ${String(scheduled.reason ?? "not scheduled")}: ${String(scheduled.message ?? "")}`;
  }
  return undefined;
}

function selectorOf(live: LiveObject): string | undefined {
  const labels = fields(fields(fields(live.spec).selector).matchLabels);
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${String(v)}`);
  return pairs.length > 0 ? pairs.join(",") : undefined;
}

export interface WaitOptions {
  /** Epoch ms after which waiting stops with ROLLOUT_TIMEOUT. */
  readonly deadline: number;
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  readonly signal: AbortSignal;
  readonly log: (message: string) => void;
  readonly now: () => number;
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new ProviderError("ABORTED", "stopped while waiting"));
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ProviderError("ABORTED", "stopped while waiting"));
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Polls the object until it is ready; returns the last summary. */
export async function waitUntilReady(client: KubeClient, ref: ObjectRef, o: WaitOptions): Promise<string> {
  const what = describeRef(ref);
  let last = "";
  for (;;) {
    const live = await client.read(ref, o.signal);
    if (!live)
      throw new ProviderError("KUBE_VANISHED", `${what} disappeared while codeploy waited for it`, {
        hint: "something else deleted it: apply again",
      });
    const r = readiness(live) ?? { state: "ready", summary: "applied" };
    if (r.state === "ready") return r.summary;
    if (r.state === "failed") throw failed(ref, r.summary);
    if (r.summary !== last) o.log(`${what}: ${r.summary}`);
    last = r.summary;
    const left = o.deadline - o.now();
    if (left <= 0) throw await timedOut(client, ref, live, r.summary, o);
    await sleep(Math.min(o.pollIntervalMs, left), o.signal);
  }
}

const POD_SECURITY_HINT =
  "the namespace's Pod Security level (label pod-security.kubernetes.io/enforce) refuses these pods: let the image run as non-root (the restricted profile), or set `runAsRoot: true` on the service in a namespace codeploy creates (it then enforces baseline)";

function failed(ref: ObjectRef, summary: string): ProviderError {
  const ns = ref.namespace ? ` -n ${ref.namespace}` : "";
  const podSecurity = /violates PodSecurity/.test(summary);
  return new ProviderError(
    podSecurity ? "POD_SECURITY_REFUSED" : "ROLLOUT_FAILED",
    `${describeRef(ref)} failed: ${summary}`,
    {
      hint: podSecurity
        ? POD_SECURITY_HINT
        : `see \`kubectl describe ${ref.kind.toLowerCase()} ${ref.name}${ns}\` and its pods' logs`,
    },
  );
}

/**
 * The newest Warning event about the object itself: a StatefulSet whose pods
 * an admission plugin refuses says so only in events (FailedCreate).
 */
async function lastWarning(client: KubeClient, ref: ObjectRef, signal: AbortSignal) {
  const events = await client.list("v1", "Event", ref.namespace, "", signal).catch(() => []);
  const about = events
    .filter((e) => {
      const involved = fields(e.involvedObject);
      return e.type === "Warning" && involved.kind === ref.kind && involved.name === ref.name;
    })
    .sort((a, b) => String(a.lastTimestamp ?? "").localeCompare(String(b.lastTimestamp ?? "")));
  const last = about.at(-1);
  return last ? `${String(last.reason ?? "Warning")}: ${String(last.message ?? "")}` : undefined;
}

async function timedOut(
  client: KubeClient,
  ref: ObjectRef,
  live: LiveObject,
  summary: string,
  o: WaitOptions,
) {
  const selector = selectorOf(live);
  const pods = selector
    ? await client.list("v1", "Pod", ref.namespace, selector, o.signal).catch(() => [])
    : [];
  const problem =
    podProblem(pods) ?? (pods.length === 0 ? await lastWarning(client, ref, o.signal) : undefined);
  if (problem && /violates PodSecurity/.test(problem)) return failed(ref, `pods are refused: ${problem}`);
  const ns = ref.namespace ? ` -n ${ref.namespace}` : "";
  return new ProviderError(
    "ROLLOUT_TIMEOUT",
    `${describeRef(ref)} was not ready within ${seconds(o.timeoutMs)}: ${summary}${problem ? `; ${problem}` : ""}`,
    {
      retryable: false,
      hint: `look at the pods (\`kubectl describe pods${ns}${selector ? ` -l ${selector}` : ""}\`); an image that cannot be pulled or a failing readiness probe are the usual causes; raise the rollout timeout if it only needs longer`,
      details: { summary, ...(problem ? { pod: problem } : {}) },
    },
  );
}
