/**
 * What a provider reports when what runs is no longer what was applied: one
 * item per object or field, named by a JSON pointer (RFC 6901) so that
 * `drift.ignore` rules in codeploy.yaml can name the same fields on every
 * provider. Pure types and helpers; providers build the items, the service
 * filters and counts them.
 */
import type { RenderResult } from "../render/types.js";
import type { DeploymentSpec } from "../spec/schema.js";

export interface DriftItem {
  /** `container`, `network`, `Deployment`, a terraform resource type (`terraform_data`). */
  readonly kind: string;
  /** The object: a container name, `Deployment/web`, a terraform address. */
  readonly name: string;
  /** The spec component it belongs to, when known. */
  readonly service?: string;
  /** missing: applied but gone; extra: carries the app's labels but was never applied; changed: a field differs. */
  readonly change: "missing" | "extra" | "changed";
  /** JSON pointer of the field ("" for the whole object): `/env/GREETING`, `/spec/replicas`. */
  readonly path: string;
  readonly expected?: unknown;
  readonly actual?: unknown;
  /** Who changed it, when the platform records it (a Kubernetes field manager). */
  readonly manager?: string;
}

/** What a provider needs to compare: the last applied revision, rendered again. */
export interface DriftContext {
  readonly app: string;
  readonly environment: string;
  readonly revision: number;
  readonly spec: DeploymentSpec;
  readonly artifacts: RenderResult;
  readonly signal: AbortSignal;
}

/** `pointer("env", "A/B")` -> `/env/A~1B` (RFC 6901 escaping). */
export function pointer(...segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${String(s).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
}

/** Whether `path` is `prefix` or lies under it (`/spec` covers `/spec/replicas`). */
export function underPointer(path: string, prefix: string): boolean {
  return prefix === "" || path === prefix || path.startsWith(`${prefix}/`);
}

/** One line for people: `web: container codeploy-...-0 /env/GREETING "hello" -> "changed"`. */
export function describeDrift(item: DriftItem): string {
  const who = item.service !== undefined ? `${item.service}: ` : "";
  const where = `${item.kind} ${item.name}`;
  const by = item.manager !== undefined ? ` (by ${item.manager})` : "";
  if (item.change === "missing") return `${who}${where} is missing${item.path ? ` ${item.path}` : ""}`;
  if (item.change === "extra") return `${who}${where} runs but was never applied${by}`;
  return `${who}${where} ${item.path || "(object)"}: ${show(item.expected)} -> ${show(item.actual)}${by}`;
}

function show(value: unknown): string {
  if (value === undefined) return "(unset)";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
