/**
 * The fake Kubernetes API server's vocabulary: JSON values, the resources it
 * serves (kind, group, version, plural), metav1.Status refusals, label
 * selectors, and the fields the real server refuses to change.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface ResourceInfo {
  readonly kind: string;
  /** "" for the core group. */
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

export const RESOURCES: readonly ResourceInfo[] = [
  { kind: "Namespace", group: "", version: "v1", plural: "namespaces", namespaced: false },
  { kind: "Secret", group: "", version: "v1", plural: "secrets", namespaced: true },
  { kind: "ConfigMap", group: "", version: "v1", plural: "configmaps", namespaced: true },
  { kind: "Service", group: "", version: "v1", plural: "services", namespaced: true },
  { kind: "Pod", group: "", version: "v1", plural: "pods", namespaced: true },
  { kind: "Deployment", group: "apps", version: "v1", plural: "deployments", namespaced: true },
  { kind: "StatefulSet", group: "apps", version: "v1", plural: "statefulsets", namespaced: true },
  { kind: "Job", group: "batch", version: "v1", plural: "jobs", namespaced: true },
  { kind: "CronJob", group: "batch", version: "v1", plural: "cronjobs", namespaced: true },
  {
    kind: "NetworkPolicy",
    group: "networking.k8s.io",
    version: "v1",
    plural: "networkpolicies",
    namespaced: true,
  },
  { kind: "Ingress", group: "networking.k8s.io", version: "v1", plural: "ingresses", namespaced: true },
  {
    kind: "HorizontalPodAutoscaler",
    group: "autoscaling",
    version: "v2",
    plural: "horizontalpodautoscalers",
    namespaced: true,
  },
  {
    kind: "PodDisruptionBudget",
    group: "policy",
    version: "v1",
    plural: "poddisruptionbudgets",
    namespaced: true,
  },
];

export const apiVersionOf = (r: ResourceInfo): string => (r.group ? `${r.group}/${r.version}` : r.version);

/** A refusal with the fields of a metav1.Status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly details: JsonObject = {},
  ) {
    super(message);
  }
}

export const isObject = (v: Json | undefined): v is JsonObject =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function clone<T extends Json>(v: T): T {
  return structuredClone(v);
}

/** JSON with sorted keys: equal values give equal strings. */
export function canonical(v: Json | undefined): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}

export function metaOf(o: JsonObject): JsonObject {
  return isObject(o.metadata) ? o.metadata : {};
}

export function labelsOf(o: JsonObject): Record<string, string> {
  const labels = metaOf(o).labels;
  const out: Record<string, string> = {};
  if (isObject(labels)) for (const [k, v] of Object.entries(labels)) out[k] = String(v);
  return out;
}

/** Fields the real API server refuses to change, with its messages. */
export function checkImmutable(
  r: ResourceInfo,
  name: string,
  before: JsonObject | undefined,
  after: JsonObject,
): void {
  if (!before) return;
  const spec = (o: JsonObject) => (isObject(o.spec) ? o.spec : {});
  const changed = (field: string) => canonical(spec(before)[field]) !== canonical(spec(after)[field]);
  const fields: string[] = [];
  if (["Deployment", "StatefulSet", "Job"].includes(r.kind) && changed("selector")) fields.push("selector");
  if (r.kind === "Job" && changed("template")) fields.push("template");
  const invalid = (field: string, message: string) =>
    new ApiError(
      422,
      "Invalid",
      `${r.kind}.${r.group || "core"} "${name}" is invalid: ${field}: ${message}`,
      {
        name,
        group: r.group,
        kind: r.kind,
        causes: [{ reason: "FieldValueInvalid", message, field }],
      },
    );
  if (fields.length > 0) throw invalid(`spec.${fields[0]}`, "Invalid value: field is immutable");
  if (r.kind === "StatefulSet") {
    const allowed = new Set([
      "replicas",
      "ordinals",
      "template",
      "updateStrategy",
      "persistentVolumeClaimRetentionPolicy",
      "minReadySeconds",
    ]);
    const keys = new Set([...Object.keys(spec(before)), ...Object.keys(spec(after))]);
    if ([...keys].some((k) => !allowed.has(k) && changed(k))) {
      throw invalid(
        "spec",
        "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      );
    }
  }
}

/** `a=b,c!=d,e,!f,g in (x,y),h notin (z)` -> predicate over labels. */
export function parseSelector(selector: string): (labels: Record<string, string>) => boolean {
  const parts = selector.match(/[^,(]+(\([^)]*\))?/g) ?? [];
  const tests = parts
    .map((p) => p.trim())
    .filter(Boolean)
    .map((part): ((l: Record<string, string>) => boolean) => {
      const set = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
      if (set) {
        const [, key = "", op, list = ""] = set;
        const values = list.split(",").map((v) => v.trim());
        return (l) => (op === "in" ? values.includes(l[key] ?? "\0") : !values.includes(l[key] ?? "\0"));
      }
      const cmp = /^([^!=]+)(==|=|!=)(.*)$/.exec(part);
      if (cmp) {
        const [, key = "", op, value = ""] = cmp;
        return (l) => (op === "!=" ? l[key.trim()] !== value.trim() : l[key.trim()] === value.trim());
      }
      if (part.startsWith("!")) return (l) => !(part.slice(1) in l);
      return (l) => part in l;
    });
  return (labels) => tests.every((t) => t(labels));
}
