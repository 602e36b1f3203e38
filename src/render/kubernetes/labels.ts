/**
 * Names, labels and metadata shared by every Kubernetes object, plus the
 * context the builders read. Selector labels (name + instance) never change
 * once applied: Kubernetes refuses a new selector on an existing workload.
 */
import { CodeError } from "../../core/errors.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import type { DataComponent } from "../data-services.js";
import type { CredentialSource } from "../types.js";

export type Role =
  | "web"
  | "worker"
  | "cron"
  | "database"
  | "cache"
  | "queue"
  | "object-store"
  | "job"
  | "network"
  | "monitoring";

export interface KubeContext {
  readonly spec: DeploymentSpec;
  readonly namespace: string;
  readonly data: ReadonlyMap<string, DataComponent>;
  readonly credentials: CredentialSource;
  /** Name of the MinIO component when the spec has buckets. */
  readonly store: string | undefined;
  readonly ingressClassName: string;
  readonly clusterIssuer: string;
  /** The namespace whose Prometheus scrapes the pods (NetworkPolicies let it in). */
  readonly prometheusNamespace: string;
  /** Values of the spec's `secret:NAME` references that are set. */
  readonly secrets: Readonly<Record<string, string>>;
  /** A keyed digest (never the plain hash of a secret, which a short value would give away). */
  readonly digest: (text: string) => string;
}

export interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

export function selectorLabels(ctx: KubeContext, component: string): Record<string, string> {
  return { "app.kubernetes.io/name": component, "app.kubernetes.io/instance": ctx.namespace };
}

export function labels(ctx: KubeContext, component: string, role: Role): Record<string, string> {
  return {
    ...selectorLabels(ctx, component),
    "app.kubernetes.io/component": role,
    "app.kubernetes.io/part-of": ctx.spec.name,
    "app.kubernetes.io/managed-by": "codeploy",
    "codeploy.dev/environment": ctx.spec.environment,
  };
}

export function meta(
  ctx: KubeContext,
  name: string,
  component: string,
  role: Role,
  annotations?: Record<string, string>,
): ObjectMeta {
  const out: ObjectMeta = { name, namespace: ctx.namespace, labels: labels(ctx, component, role) };
  return annotations && Object.keys(annotations).length > 0 ? { ...out, annotations } : out;
}

/** `Secret` holding a data component's credentials and connection URL. */
export function secretName(component: string): string {
  return `${component}-credentials`;
}

export const CONNECTION_URL_KEY = "CONNECTION_URL";

/**
 * Names Kubernetes would refuse, found before rendering: the namespace is a
 * DNS label (63), Services need a leading letter, and StatefulSet and CronJob
 * names leave room for the suffixes Kubernetes appends (52).
 */
export function checkNames(spec: DeploymentSpec, namespace: string): void {
  const problems: string[] = [];
  if (namespace.length > 63) problems.push(`namespace "${namespace}" is longer than 63 characters`);
  const components = [spec.services, spec.databases, spec.caches, spec.queues].flat();
  for (const c of components) {
    if (!/^[a-z]/.test(c.name)) problems.push(`"${c.name}" must start with a letter to be a Service name`);
    const bounded = !("kind" in c) || c.kind === "cron";
    if (bounded && c.name.length > 52) problems.push(`"${c.name}" is longer than 52 characters`);
  }
  if (problems.length > 0) {
    throw new CodeError("RENDER_NAMES", `names that Kubernetes refuses: ${problems.join("; ")}`, {
      hint: "shorten the app, environment or component names in the spec",
      details: problems,
    });
  }
}
