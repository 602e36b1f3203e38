/**
 * Which rendered objects a plan step owns, and how they are named in
 * messages. Pure: the rendered manifests (in apply order) and the step in,
 * the objects to apply and the kinds to prune out.
 *
 * network              -> Namespace + the namespace-wide NetworkPolicies (default deny, DNS)
 * secrets              -> every Secret
 * database|cache|queue -> its Secret, headless Service, StatefulSet, NetworkPolicy
 * bucket               -> the object store's objects (MinIO StatefulSet, Service, Secret, bucket Job)
 * service              -> its Secret (secret references), Deployment or CronJob, Service, HPA, PDB, NetworkPolicy
 * volume               -> its PersistentVolumeClaim (never pruned)
 * ingress              -> its Ingress
 * monitoring           -> PodMonitors, the PrometheusRule and the dashboard ConfigMap
 *
 * A component step also applies the peers' NetworkPolicies that name the
 * component: adding a database changes who may reach it, and that change is
 * part of the step that adds it.
 */
import type { PlanStep } from "../../engine/provider.js";
import { objectStoreName } from "../../render/data-services.js";
import { bucketJobName } from "../../render/kubernetes/data-services.js";
import { MONITORING_COMPONENT } from "../../render/kubernetes/monitoring.js";
import type { KubeObject } from "../../render/types.js";
import { claimName } from "../../render/volumes.js";
import { instanceName } from "../../spec/naming.js";
import type { DeploymentSpec } from "../../spec/schema.js";

export const LABELS = {
  name: "app.kubernetes.io/name",
  component: "app.kubernetes.io/component",
  partOf: "app.kubernetes.io/part-of",
  managedBy: "app.kubernetes.io/managed-by",
  environment: "codeploy.dev/environment",
} as const;

export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

export interface KindRef {
  readonly apiVersion: string;
  readonly kind: string;
}

const KINDS = {
  Secret: { apiVersion: "v1", kind: "Secret" },
  Service: { apiVersion: "v1", kind: "Service" },
  StatefulSet: { apiVersion: "apps/v1", kind: "StatefulSet" },
  Deployment: { apiVersion: "apps/v1", kind: "Deployment" },
  Job: { apiVersion: "batch/v1", kind: "Job" },
  CronJob: { apiVersion: "batch/v1", kind: "CronJob" },
  NetworkPolicy: { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy" },
  Ingress: { apiVersion: "networking.k8s.io/v1", kind: "Ingress" },
  HorizontalPodAutoscaler: { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler" },
  PodDisruptionBudget: { apiVersion: "policy/v1", kind: "PodDisruptionBudget" },
} as const satisfies Record<string, KindRef>;

export const SERVICE_KINDS: readonly KindRef[] = [
  KINDS.Secret, // the values of its secret:NAME references
  KINDS.Deployment,
  KINDS.CronJob,
  KINDS.Service,
  KINDS.HorizontalPodAutoscaler,
  KINDS.PodDisruptionBudget,
  KINDS.NetworkPolicy,
];
export const DATA_KINDS: readonly KindRef[] = [
  KINDS.Secret,
  KINDS.Service,
  KINDS.StatefulSet,
  KINDS.NetworkPolicy,
];
export const STORE_KINDS: readonly KindRef[] = [...DATA_KINDS, KINDS.Job];
export const INGRESS_KINDS: readonly KindRef[] = [KINDS.Ingress];
/** Every namespaced kind codeploy renders, in the order to delete them (dependants first). */
export const ALL_KINDS: readonly KindRef[] = [
  KINDS.Ingress,
  KINDS.HorizontalPodAutoscaler,
  KINDS.PodDisruptionBudget,
  KINDS.CronJob,
  KINDS.Deployment,
  KINDS.Job,
  KINDS.StatefulSet,
  KINDS.Service,
  KINDS.NetworkPolicy,
  KINDS.Secret,
];
/** Kinds of the Prometheus Operator: served only where its CRDs are installed. */
export const OPERATOR_KINDS: readonly KindRef[] = [
  { apiVersion: "monitoring.coreos.com/v1", kind: "PodMonitor" },
  { apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule" },
];
export const MONITORING_KINDS = new Set(["ServiceMonitor", ...OPERATOR_KINDS.map((k) => k.kind)]);
const isMonitoring = (o: KubeObject) =>
  MONITORING_KINDS.has(o.kind) || (o.kind === "ConfigMap" && nameOf(o) === MONITORING_COMPONENT);

/** `Deployment shop-prod/web`, `Namespace shop-prod`. */
export function describeRef(ref: {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}): string {
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}

export function describeObject(o: KubeObject): string {
  return describeRef({
    kind: o.kind,
    name: o.metadata.name,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
  });
}

/** The rendered Namespace's name, or the override. */
export function namespaceOf(objects: readonly KubeObject[], override?: string): string {
  if (override) return override;
  const ns = objects.find((o) => o.kind === "Namespace")?.metadata.name;
  if (ns) return ns;
  const first = objects.find((o) => o.metadata.namespace)?.metadata.namespace;
  return first ?? "default";
}

/** The objects moved into another namespace (configurable per cluster); the Namespace object renamed. */
export function inNamespace(objects: readonly KubeObject[], namespace: string | undefined): KubeObject[] {
  if (!namespace) return [...objects];
  return objects.map((o) =>
    o.kind === "Namespace"
      ? { ...o, metadata: { ...o.metadata, name: namespace } }
      : { ...o, metadata: { ...o.metadata, namespace } },
  );
}

/** Labels every object of this app + environment carries. */
export function appSelector(app: string, environment: string): string {
  return `${LABELS.managedBy}=codeploy,${LABELS.partOf}=${app},${LABELS.environment}=${environment}`;
}

export function componentSelector(app: string, environment: string, components: readonly string[]): string {
  return `${appSelector(app, environment)},${LABELS.name} in (${[...components].sort().join(",")})`;
}

const nameOf = (o: KubeObject): string | undefined => o.metadata.labels?.[LABELS.name];

/** Component names a NetworkPolicy's selectors point at. */
function mentioned(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) mentioned(v, out);
  else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === LABELS.name && typeof v === "string") out.add(v);
      else mentioned(v, out);
    }
  }
  return out;
}

export interface StepObjects {
  /** To apply, in apply order. */
  readonly objects: readonly KubeObject[];
  /** Components (values of app.kubernetes.io/name) whose objects the step owns. */
  readonly components: readonly string[];
  /** Kinds in which objects of those components that are not in `objects` get pruned. */
  readonly pruneKinds: readonly KindRef[];
}

function components(step: PlanStep, spec: DeploymentSpec): string[] {
  const name = step.component ?? "";
  if (step.kind === "bucket") {
    const store = objectStoreName(spec);
    return [store, bucketJobName(store)];
  }
  return [name];
}

function ownKinds(kind: PlanStep["kind"]): readonly KindRef[] {
  switch (kind) {
    case "service":
      return SERVICE_KINDS;
    case "bucket":
      return STORE_KINDS;
    case "ingress":
      return INGRESS_KINDS;
    case "database":
    case "cache":
    case "queue":
      return DATA_KINDS;
    default:
      return [];
  }
}

export function objectsForStep(
  step: PlanStep,
  spec: DeploymentSpec,
  rendered: readonly KubeObject[],
): StepObjects {
  switch (step.kind) {
    case "network":
      return {
        objects: rendered.filter(
          (o) =>
            o.kind === "Namespace" ||
            (o.kind === "NetworkPolicy" && o.metadata.labels?.[LABELS.component] === "network"),
        ),
        components: [],
        pruneKinds: [],
      };
    case "secrets":
      return { objects: rendered.filter((o) => o.kind === "Secret"), components: [], pruneKinds: [] };
    case "monitoring":
      return { objects: rendered.filter(isMonitoring), components: [], pruneKinds: [] };
    case "volume": {
      // Never pruned: a claim's files outlive an update (see render/kubernetes/volumes.ts).
      const claim = claimName({ service: step.component ?? "", volume: step.volume ?? "" });
      return {
        objects: rendered.filter((o) => o.kind === "PersistentVolumeClaim" && o.metadata.name === claim),
        components: [],
        pruneKinds: [],
      };
    }
    default:
      return componentObjects(step, spec, rendered);
  }
}

function componentObjects(
  step: PlanStep,
  spec: DeploymentSpec,
  rendered: readonly KubeObject[],
): StepObjects {
  const names = components(step, spec);
  const kinds = ownKinds(step.kind);
  const owned = new Set(kinds.map((k) => k.kind));
  const own = (o: KubeObject) => owned.has(o.kind) && names.includes(nameOf(o) ?? "");
  const peer = (o: KubeObject) =>
    step.kind !== "ingress" &&
    o.kind === "NetworkPolicy" &&
    !own(o) &&
    names.some((n) => mentioned(o.spec).has(n));
  return {
    objects: rendered.filter((o) => own(o) || peer(o)),
    components: names,
    pruneKinds: kinds,
  };
}

/**
 * In a namespace codeploy did not create, a NetworkPolicy with `podSelector: {}`
 * (default deny, DNS) would select other apps' pods too: narrow it to this
 * app's pods, which carry the part-of and environment labels.
 */
export function scopedToApp(o: KubeObject, app: string, environment: string): KubeObject {
  const spec = o.spec;
  if (o.kind !== "NetworkPolicy" || typeof spec !== "object" || spec === null) return o;
  const selector = (spec as { podSelector?: unknown }).podSelector;
  const everything = typeof selector === "object" && selector !== null && Object.keys(selector).length === 0;
  if (!everything) return o;
  const podSelector = { matchLabels: { [LABELS.partOf]: app, [LABELS.environment]: environment } };
  // Named per app + environment too: two apps sharing the namespace each keep their own policy.
  const name = `${o.metadata.name}-${instanceName({ app, environment })}`;
  return { ...o, metadata: { ...o.metadata, name }, spec: { ...spec, podSelector } };
}

/**
 * Objects rendered for `from` (the injective namespace) moved into a
 * namespace an earlier version created (`<app>-<env>`, found by its labels):
 * the selector label `app.kubernetes.io/instance` keeps the value the running
 * workloads were created with, since Kubernetes refuses a new selector.
 */
export function inLegacyNamespace(objects: readonly KubeObject[], from: string, to: string): KubeObject[] {
  const retag = (value: unknown): void => {
    if (typeof value !== "object" || value === null) return;
    for (const [k, v] of Object.entries(value)) {
      if (k === INSTANCE && v === from) Reflect.set(value, k, to);
      else retag(v);
    }
  };
  return inNamespace(objects, to).map((o) => {
    const copy = structuredClone(o);
    retag(copy);
    return copy;
  });
}

const INSTANCE = "app.kubernetes.io/instance";

/** True when the step removes a component the spec being applied still has: a destroy, not a change. */
export function isTeardown(step: PlanStep, spec: DeploymentSpec): boolean {
  const name = step.component;
  if (name === undefined) return true;
  return [spec.services, spec.databases, spec.caches, spec.queues, spec.buckets]
    .flat()
    .some((c) => c.name === name);
}
