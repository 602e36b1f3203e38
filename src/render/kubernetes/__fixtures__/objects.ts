/** Typed reads of rendered Kubernetes objects for the tests. */
import type { IContainer, IPodSpec, IPodTemplateSpec } from "kubernetes-models/v1";
import type { KubeObject, RenderResult } from "../../types.js";

type WorkloadSpec = { template?: IPodTemplateSpec; jobTemplate?: { spec?: { template?: IPodTemplateSpec } } };

/** The pod spec of a workload object (Deployment, StatefulSet, Job, CronJob). */
export function podOf(o: KubeObject): IPodSpec | undefined {
  const spec = o.spec as WorkloadSpec | undefined;
  return (o.kind === "CronJob" ? spec?.jobTemplate?.spec?.template : spec?.template)?.spec;
}

export function containerOf(o: KubeObject | undefined): IContainer | undefined {
  return o ? podOf(o)?.containers[0] : undefined;
}

export function find(result: RenderResult, kind: string, name: string): KubeObject | undefined {
  return result.kubernetes?.find((o) => o.kind === kind && o.metadata.name === name);
}

export function all(result: RenderResult, kind: string): KubeObject[] {
  return (result.kubernetes ?? []).filter((o) => o.kind === kind);
}

/** Field access into an object's `spec` without a schema (paths are checked by the assertions). */
export function at(o: KubeObject | undefined, ...path: (string | number)[]): unknown {
  let value: unknown = o;
  for (const key of path) {
    value =
      value !== null && typeof value === "object"
        ? (value as Record<string | number, unknown>)[key]
        : undefined;
  }
  return value;
}

/** The decoded values of a Secret. */
export function secretValues(o: KubeObject | undefined): Record<string, string> {
  const data = (at(o, "data") ?? {}) as Record<string, string>;
  return Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]),
  );
}
