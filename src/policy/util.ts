/** Small helpers shared by the rules: environment checks, spec paths, and safe access to plain data. */

import { isProduction } from "../spec/environment.js";
import type { DeploymentSpec, Service } from "../spec/schema.js";
import { formatPath } from "../spec/validate.js";
import type { Severity } from "./types.js";

/** Environments where cost matters less than in production and staging (dev, preview, test...). */
export function isDevLike(spec: DeploymentSpec): boolean {
  return spec.environment !== "production" && spec.environment !== "staging";
}

/** Full severity in production, a softer one elsewhere. */
export function prodSeverity(spec: DeploymentSpec, elsewhere: Severity = "warning"): Severity | undefined {
  return isProduction(spec) ? undefined : elsewhere;
}

export function specPath(...parts: PropertyKey[]): string {
  return formatPath(parts);
}

export function servicePath(index: number, ...rest: PropertyKey[]): string {
  return formatPath(["services", index, ...rest]);
}

export function indexed<T>(items: readonly T[]): Array<readonly [T, number]> {
  return items.map((item, i) => [item, i] as const);
}

/**
 * The services CODE renders, with their index in the spec: a service that
 * names a Helm chart has no image, port or replicas of CODE's to judge (the
 * chart decides them), so the rules about those skip it.
 */
export function renderedServices(spec: DeploymentSpec): Array<readonly [Service, number]> {
  return indexed(spec.services).filter(([s]) => s.chart === undefined);
}

export function serviceLabel(service: Service): string {
  return `service "${service.name}"`;
}

export type Data = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is Data {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `field(obj, "a", "b")` is `obj.a.b`, or undefined when any step is not an object. */
export function field(value: unknown, ...keys: readonly string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** A nested HCL block as the Terraform renderer builds it: `{ $hcl: "block", labels, body }`; its body is the data. */
function unwrapBlock(value: Data): Data {
  return value.$hcl === "block" && isRecord(value.body) ? value.body : value;
}

/**
 * Repeated blocks come as a list or as one object (HCL nested blocks, compose
 * long syntax): both become a list of plain bodies.
 */
export function records(value: unknown): Data[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter(isRecord).map(unwrapBlock);
}

/** Renderers may emit booleans as YAML/HCL text. */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

export function isFalse(value: unknown): boolean {
  return value === false || value === "false";
}

export function usd(amount: number): string {
  return `$${amount.toFixed(2)}`;
}
