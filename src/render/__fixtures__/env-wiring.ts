/**
 * What a service's environment says on each target, read back from the
 * written artifacts (compose.yaml, the Kubernetes Deployment, the Terraform
 * files through @cdktf/hcl2json): variable name -> a comparable form of its
 * value. Plain values as written; credentials as `secret:<where from>` (a
 * Kubernetes secretKeyRef, an ECS valueFrom, a Cloud Run secret, a Container
 * Apps secret name), so two variables read from the same credential compare
 * equal and a literal never passes for a reference.
 */
import { parse as parseHcl } from "@cdktf/hcl2json";
import type { RenderResult } from "../types.js";

export type Wiring = Record<string, string>;
type Json = Record<string, unknown>;

function composeWiring(result: RenderResult, service: string): Wiring {
  const compose = result.compose as { services: Record<string, { environment?: Record<string, string> }> };
  return { ...(compose.services[service]?.environment ?? {}) };
}

function kubeWiring(result: RenderResult, service: string): Wiring {
  const deployment = (result.kubernetes ?? []).find(
    (o) => o.kind === "Deployment" && o.metadata.name === service,
  );
  const spec = deployment?.spec as {
    template: { spec: { containers: { env?: { name: string; value?: string; valueFrom?: unknown }[] }[] } };
  };
  const env = spec.template.spec.containers[0]?.env ?? [];
  return Object.fromEntries(
    env.map((e) => [e.name, e.valueFrom ? `secret:${JSON.stringify(e.valueFrom)}` : String(e.value)]),
  );
}

async function module(result: RenderResult): Promise<Record<string, Record<string, Json[]>>> {
  const merged: Record<string, Record<string, Json[]>> = {};
  for (const f of result.files.filter((x) => x.path.endsWith(".tf"))) {
    const doc = (await parseHcl(f.path, f.content)) as { resource?: Record<string, Record<string, Json[]>> };
    for (const [type, byName] of Object.entries(doc.resource ?? {}))
      merged[type] = { ...(merged[type] ?? {}), ...byName };
  }
  return merged;
}

async function jsonencoded(value: unknown): Promise<unknown> {
  const inner = String(value)
    .replace(/^\$\{jsonencode\(/, "")
    .replace(/\)\}$/, "");
  const doc = (await parseHcl("x.tf", `locals {\n  x = ${inner}\n}\n`)) as { locals: { x: unknown }[] };
  return doc.locals[0]?.x;
}

async function awsWiring(result: RenderResult, service: string): Promise<Wiring> {
  const task = (await module(result)).aws_ecs_task_definition?.[service]?.[0];
  const [container] = (await jsonencoded(task?.container_definitions)) as Json[];
  const env = (container?.environment ?? []) as { name: string; value: unknown }[];
  const secrets = (container?.secrets ?? []) as { name: string; valueFrom: string }[];
  return {
    ...Object.fromEntries(env.map((e) => [e.name, String(e.value)])),
    ...Object.fromEntries(secrets.map((s) => [s.name, `secret:${s.valueFrom}`])),
  };
}

async function gcpWiring(result: RenderResult, service: string): Promise<Wiring> {
  const run = (await module(result)).google_cloud_run_v2_service?.[service]?.[0];
  const template = ((run?.template ?? []) as Json[])[0] ?? {};
  const container = ((template.containers as Json[])[0] ?? {}) as { env?: Json[] };
  const out: Wiring = {};
  for (const e of container.env ?? []) {
    const source = (e.value_source as Json[] | undefined)?.[0];
    const key = (source?.secret_key_ref as Json[] | undefined)?.[0];
    out[String(e.name)] = key ? `secret:${String(key.secret)}` : String(e.value);
  }
  return out;
}

async function azureWiring(result: RenderResult, service: string): Promise<Wiring> {
  const app = (await module(result)).azurerm_container_app?.[service]?.[0];
  const template = ((app?.template ?? []) as Json[])[0] ?? {};
  const container = ((template.container as Json[])[0] ?? {}) as { env?: Json[] };
  const out: Wiring = {};
  for (const e of container.env ?? [])
    out[String(e.name)] = e.secret_name !== undefined ? `secret:${String(e.secret_name)}` : String(e.value);
  return out;
}

export type WiringTarget = "docker" | "kubernetes" | "aws" | "gcp" | "azure";

/** The environment of `service` (its Terraform label is its name with `-` as `_`). */
export async function wiringOf(target: WiringTarget, result: RenderResult, service: string): Promise<Wiring> {
  const label = service.replace(/-/g, "_");
  switch (target) {
    case "docker":
      return composeWiring(result, service);
    case "kubernetes":
      return kubeWiring(result, service);
    case "aws":
      return awsWiring(result, label);
    case "gcp":
      return gcpWiring(result, label);
    case "azure":
      return azureWiring(result, label);
  }
}
