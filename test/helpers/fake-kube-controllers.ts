/**
 * What the controllers of a real cluster do, in miniature and over time:
 * Deployments and StatefulSets roll out (observedGeneration first, then
 * updated, ready and available replicas) after a delay, Jobs complete,
 * Namespaces terminate and take their objects with them. Pods are not stored:
 * they are derived from the workloads when listed, with the waiting reason a
 * kubelet would report (ImagePullBackOff for a workload that never becomes ready).
 */
import { createHash } from "node:crypto";
import {
  canonical,
  isObject,
  type Json,
  type JsonObject,
  metaOf,
  parseSelector,
  RESOURCES,
  type ResourceInfo,
} from "./fake-kube-resources.js";
import type { ObjectStore } from "./fake-kube-store.js";

export interface FakeFault {
  /** The workload's pods never become ready (ImagePullBackOff); with `image`, only while it runs that image. */
  readonly neverReady?: boolean | { readonly image: string };
  /** The Job fails (BackoffLimitExceeded) instead of completing. */
  readonly jobFails?: boolean;
  /** PATCH of the object answers this HTTP status; `times` how often (default: every time). */
  readonly patch?: {
    readonly status: number;
    readonly times?: number;
    readonly message?: string;
    /** For 422: the field that is invalid. */
    readonly field?: string;
  };
  /** Every request that names the object is answered only after this long. */
  readonly delayMs?: number;
  /** A PATCH of the object gets no answer: the server closes the connection (`times`: how often, default every time). */
  readonly dropConnection?: { readonly times?: number };
}

export interface ControllerTimings {
  readonly rolloutDelayMs: number;
  readonly jobDelayMs: number;
  readonly namespaceDeleteDelayMs: number;
}

const resource = (kind: string): ResourceInfo => {
  const r = RESOURCES.find((x) => x.kind === kind);
  if (!r) throw new Error(`fake API server: no resource for ${kind}`);
  return r;
};

const obj = (v: Json | undefined): JsonObject => (isObject(v) ? v : {});

function template(o: JsonObject): JsonObject {
  return obj(obj(o.spec).template);
}

function images(o: JsonObject): string[] {
  const containers = obj(template(o).spec).containers;
  return Array.isArray(containers) ? containers.map((c) => String(obj(c).image ?? "")) : [];
}

function revision(o: JsonObject): string {
  const hash = createHash("sha256")
    .update(canonical(template(o)))
    .digest("hex")
    .slice(0, 10);
  return `${metaOf(o).name}-${hash}`;
}

export class Controllers {
  private readonly timers = new Map<string, NodeJS.Timeout[]>();

  constructor(
    private readonly store: ObjectStore,
    private readonly timings: ControllerTimings,
    private readonly faultOf: (name: string) => FakeFault | undefined,
  ) {}

  private later(key: string, ms: number, fn: () => void): void {
    const timer = setTimeout(fn, ms);
    timer.unref();
    const list = this.timers.get(key) ?? [];
    list.push(timer);
    this.timers.set(key, list);
  }

  private cancel(key: string): void {
    for (const t of this.timers.get(key) ?? []) clearTimeout(t);
    this.timers.delete(key);
  }

  private neverReady(o: JsonObject): boolean {
    const fault = this.faultOf(String(metaOf(o).name))?.neverReady;
    if (fault === undefined || fault === false) return false;
    return fault === true || images(o).includes(fault.image);
  }

  /**
   * Two status writes, the second scheduled by the first: timers of different
   * durations may fire out of order when the event loop was busy.
   */
  private progress(key: string, first: () => void, second: (() => void) | undefined): void {
    const half = Math.floor(this.timings.rolloutDelayMs / 2);
    this.later(key, half, () => {
      first();
      if (second) this.later(key, this.timings.rolloutDelayMs - half, second);
    });
  }

  /** A new generation was applied: start its rollout. */
  onApplied(kind: string, o: JsonObject, generationChanged: boolean): void {
    if (!generationChanged || !["Deployment", "StatefulSet", "Job"].includes(kind)) return;
    const m = metaOf(o);
    const key = `${kind}/${m.namespace}/${m.name}`;
    this.cancel(key);
    const [ns, name, r] = [String(m.namespace), String(m.name), resource(kind)];
    const generation = Number(m.generation ?? 1);
    const replicas = Number(obj(o.spec).replicas ?? 1);
    const write = (status: JsonObject) => () => this.store.setStatus(r, ns, name, status);
    const stuck = this.neverReady(o);
    if (kind === "Deployment") {
      this.progress(
        key,
        write(deploymentStatus(generation, replicas, 0)),
        stuck ? undefined : write(deploymentStatus(generation, replicas, replicas)),
      );
    } else if (kind === "StatefulSet") {
      const before = String(obj(o.status).currentRevision ?? revision(o));
      const next = revision(o);
      this.progress(
        key,
        write(statefulStatus(generation, replicas, 0, before, next)),
        stuck ? undefined : write(statefulStatus(generation, replicas, replicas, next, next)),
      );
    } else {
      const failed = this.faultOf(name)?.jobFails === true;
      this.later(key, this.timings.jobDelayMs, write(jobStatus(failed)));
    }
  }

  /** Namespaces terminate for a while, then go with everything in them. */
  onNamespaceDeleted(name: string): void {
    const r = resource("Namespace");
    this.store.markDeleting(r, name);
    this.later(`Namespace//${name}`, this.timings.namespaceDeleteDelayMs, () =>
      this.store.remove(r, undefined, name),
    );
  }

  /** The pods the workloads of a namespace would have now. */
  pods(namespace: string, selector: string): JsonObject[] {
    const match = parseSelector(selector);
    const out: JsonObject[] = [];
    for (const kind of ["Deployment", "StatefulSet"]) {
      for (const w of this.store.list(resource(kind), namespace)) {
        const labels = obj(obj(template(w).metadata).labels);
        if (!match(Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])))) continue;
        out.push(...this.podsOf(kind, w, labels));
      }
    }
    return out;
  }

  private podsOf(kind: string, w: JsonObject, labels: JsonObject): JsonObject[] {
    const m = metaOf(w);
    const replicas = Number(obj(w.spec).replicas ?? 1);
    const ready = Number(obj(w.status).readyReplicas ?? 0);
    const image = images(w)[0] ?? "";
    const stuck = this.neverReady(w);
    return Array.from({ length: replicas }, (_, i): JsonObject => {
      const isReady = i < ready;
      const waiting: JsonObject = stuck
        ? { reason: "ImagePullBackOff", message: `Back-off pulling image "${image}"` }
        : { reason: "ContainerCreating" };
      return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name: kind === "StatefulSet" ? `${m.name}-${i}` : `${revision(w)}-${i}`,
          namespace: m.namespace ?? null,
          labels,
        },
        status: {
          phase: isReady ? "Running" : "Pending",
          containerStatuses: [
            {
              name: String(m.name),
              image,
              ready: isReady,
              restartCount: 0,
              state: isReady ? { running: { startedAt: new Date().toISOString() } } : { waiting },
            },
          ],
        },
      };
    });
  }

  stop(): void {
    for (const key of [...this.timers.keys()]) this.cancel(key);
  }
}

function deploymentStatus(generation: number, replicas: number, ready: number): JsonObject {
  const done = ready >= replicas;
  return {
    observedGeneration: generation,
    replicas,
    updatedReplicas: replicas,
    readyReplicas: ready,
    availableReplicas: ready,
    unavailableReplicas: replicas - ready,
    conditions: [
      {
        type: "Available",
        status: done ? "True" : "False",
        reason: done ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
      },
      {
        type: "Progressing",
        status: "True",
        reason: done ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
      },
    ],
  };
}

function statefulStatus(
  generation: number,
  replicas: number,
  ready: number,
  current: string,
  update: string,
): JsonObject {
  return {
    observedGeneration: generation,
    replicas,
    readyReplicas: ready,
    availableReplicas: ready,
    currentReplicas: ready,
    updatedReplicas: ready,
    currentRevision: current,
    updateRevision: update,
  };
}

function jobStatus(failed: boolean): JsonObject {
  const now = new Date().toISOString();
  return failed
    ? {
        failed: 7,
        conditions: [
          {
            type: "Failed",
            status: "True",
            reason: "BackoffLimitExceeded",
            message: "Job has reached the specified backoff limit",
          },
        ],
      }
    : { succeeded: 1, completionTime: now, conditions: [{ type: "Complete", status: "True" }] };
}
