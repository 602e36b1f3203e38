/**
 * Which spec component a Terraform resource belongs to. The renderers name
 * every resource of a component after it: `terraform_data.web`,
 * `aws_db_instance.orders_db`, `aws_sqs_queue.jobs_dlq`; so a resource
 * belongs to the component whose identifier is its name or the longest prefix
 * of it (`web_api_x` is web-api's, not web's).
 */
import { ident } from "../../render/terraform/common.js";
import type { RenderResult } from "../../render/types.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import { looksSecret } from "./redact.js";

export type ComponentKind = "service" | "database" | "cache" | "queue" | "bucket";

export interface Component {
  readonly name: string;
  readonly kind: ComponentKind;
}

export function componentsOf(spec: DeploymentSpec): Component[] {
  return [
    ...spec.services.map((c) => ({ name: c.name, kind: "service" as const })),
    ...spec.databases.map((c) => ({ name: c.name, kind: "database" as const })),
    ...spec.caches.map((c) => ({ name: c.name, kind: "cache" as const })),
    ...spec.queues.map((c) => ({ name: c.name, kind: "queue" as const })),
    ...spec.buckets.map((c) => ({ name: c.name, kind: "bucket" as const })),
  ];
}

/** `module.net.aws_subnet.private[0]` -> `aws_subnet.private`. */
export function resourceKey(address: string): string {
  const parts = address.replace(/\[[^\]]*\]/g, "").split(".");
  return parts.slice(-2).join(".");
}

/** The component a resource (or output) name belongs to, if any. */
export function ownerOf(label: string, components: readonly Component[]): Component | undefined {
  let best: Component | undefined;
  let bestLength = -1;
  for (const c of components) {
    const id = ident(c.name);
    if ((label === id || label.startsWith(`${id}_`)) && id.length > bestLength) {
      best = c;
      bestLength = id.length;
    }
  }
  return best;
}

/** The component that owns the resource at `address`. */
export function ownerOfAddress(address: string, components: readonly Component[]): Component | undefined {
  const name = resourceKey(address).split(".")[1] ?? "";
  return ownerOf(name, components);
}

/** `type.name` of every resource the rendered module declares for `component`. */
export function expectedResources(
  artifacts: RenderResult,
  component: string,
  components: readonly Component[],
): string[] {
  return (artifacts.terraform ?? [])
    .filter((b) => b.blockType === "resource" && ownerOf(b.labels[1] ?? "", components)?.name === component)
    .map((b) => `${b.labels[0]}.${b.labels[1]}`);
}

function flatten(prefix: string, value: unknown, out: Record<string, string>): void {
  if (Object.keys(out).length >= 50) return;
  if (value === null || value === undefined) return;
  if (typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) {
      // Env maps and settings named like secrets never leave the state.
      if (!looksSecret(k)) flatten(`${prefix}.${k}`, v, out);
    }
    return;
  }
  out[prefix] = typeof value === "string" ? value : JSON.stringify(value);
}

/** A component's non-sensitive outputs as flat strings: `web.image`, `web.replicas`. */
export function componentOutputs(
  outputs: Readonly<Record<string, { readonly value: unknown; readonly sensitive: boolean }>>,
  component: string,
  components: readonly Component[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, o] of Object.entries(outputs)) {
    if (o.sensitive || looksSecret(name) || ownerOf(name, components)?.name !== component) continue;
    flatten(name, o.value, out);
  }
  return out;
}
