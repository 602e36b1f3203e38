/**
 * What changes between two specs, component by component. The planner turns
 * this into create/update/delete steps; the CLI shows it before an apply.
 */
import type { DeploymentSpec } from "./schema.js";

export type ComponentGroup = "services" | "databases" | "caches" | "queues" | "buckets";
export type ChangeAction = "create" | "update" | "delete" | "noop";

export interface ComponentChange {
  readonly group: ComponentGroup;
  readonly name: string;
  readonly action: ChangeAction;
  /** Top-level fields that differ, for `update`. */
  readonly fields: readonly string[];
}

export interface SpecDiff {
  readonly components: readonly ComponentChange[];
  /** Spec-wide fields that differ (target, cloud, region, monitoring, ...). */
  readonly settings: readonly string[];
}

export const COMPONENT_GROUPS: readonly ComponentGroup[] = [
  "databases",
  "caches",
  "queues",
  "buckets",
  "services",
];

/** JSON with sorted keys, so that key order never counts as a change. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function changedFields(before: object, after: object): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  return [...keys].filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k])).sort();
}

export function diffSpecs(current: DeploymentSpec | undefined, desired: DeploymentSpec): SpecDiff {
  const components: ComponentChange[] = [];
  for (const group of COMPONENT_GROUPS) {
    const before = new Map<string, object>((current?.[group] ?? []).map((c) => [c.name, c]));
    for (const item of desired[group]) {
      const old = before.get(item.name);
      if (old === undefined) components.push({ group, name: item.name, action: "create", fields: [] });
      else {
        const fields = changedFields(old, item);
        components.push({ group, name: item.name, action: fields.length > 0 ? "update" : "noop", fields });
      }
      before.delete(item.name);
    }
    for (const name of before.keys()) components.push({ group, name, action: "delete", fields: [] });
  }
  const settings = current
    ? changedFields(
        { ...current, services: [], databases: [], caches: [], queues: [], buckets: [] },
        { ...desired, services: [], databases: [], caches: [], queues: [], buckets: [] },
      )
    : [];
  return { components, settings };
}
