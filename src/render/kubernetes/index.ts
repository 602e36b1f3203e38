/**
 * Target kubernetes: one file per object plus kustomization.yaml, in apply
 * order. Namespace `<app>-<env>`; every pod runs under the "restricted" Pod
 * Security Standard, which the Namespace enforces. Pure: the same spec and
 * options give the same bytes.
 */
import { createHmac } from "node:crypto";
import type { INamespace } from "kubernetes-models/v1";
import { withoutCharts } from "../../spec/chart.js";
import { namespaceName } from "../../spec/naming.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import { DEV_SECRET_SEED, seededCredentials } from "../credentials.js";
import { dataComponents, objectStoreName } from "../data-services.js";
import type { KubeObject, RenderOptions, RenderResult } from "../types.js";
import { chartReleaseFiles } from "./charts.js";
import { bucketJob, dataObjects } from "./data-services.js";
import { containerRuntime } from "./image-runtime.js";
import { ingress } from "./ingress.js";
import { checkNames, type KubeContext } from "./labels.js";
import { monitoringObjects } from "./monitoring.js";
import { networkPolicies } from "./network.js";
import { inApplyOrder, kubernetesFiles } from "./serialize.js";
import { appObjects } from "./workloads.js";

export { APPLY_ORDER, fileName } from "./serialize.js";

/** The ingress class and issuer when `providers.kubernetes` names none (the README states them). */
export const DEFAULT_INGRESS_CLASS = "nginx";
export const DEFAULT_CLUSTER_ISSUER = "letsencrypt";
export const DEFAULT_PROMETHEUS_NAMESPACE = "monitoring";

export type KubernetesRenderOptions = RenderOptions;

/**
 * Restricted unless a service may start as root: then the namespace enforces baseline (which such pods
 * meet) and still warns and audits against restricted, so the exception stays visible.
 */
function podSecurityLabels(ctx: KubeContext): Record<string, string> {
  const root = ctx.spec.services.some((s) => containerRuntime(s).root);
  return root
    ? {
        "pod-security.kubernetes.io/enforce": "baseline",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": "latest",
      }
    : {
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
      };
}

function namespace(ctx: KubeContext): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: ctx.namespace,
      labels: {
        "app.kubernetes.io/part-of": ctx.spec.name,
        "app.kubernetes.io/managed-by": "codeploy",
        "codeploy.dev/environment": ctx.spec.environment,
        ...podSecurityLabels(ctx),
      },
    },
  } satisfies INamespace;
}

/**
 * The app's objects; a service that names a Helm chart gets no objects here (the provider
 * installs the chart as a release) but a description in kubernetes/helm-releases/ (charts.ts).
 */
export function renderKubernetes(whole: DeploymentSpec, options: KubernetesRenderOptions = {}): RenderResult {
  const spec = withoutCharts(whole);
  const ns = namespaceName({ app: spec.name, environment: spec.environment });
  checkNames(spec, ns);
  const components = dataComponents(spec);
  const ctx: KubeContext = {
    spec,
    namespace: ns,
    data: new Map(components.map((c) => [c.name, c])),
    credentials:
      options.credentials ??
      seededCredentials(options.secretSeed ?? DEV_SECRET_SEED, `${spec.name}/${spec.environment}`),
    secrets: options.secrets ?? {},
    digest: (text) =>
      createHmac("sha256", options.secretSeed ?? DEV_SECRET_SEED)
        .update(text)
        .digest("hex")
        .slice(0, 16),
    store: spec.buckets.length > 0 ? objectStoreName(spec) : undefined,
    ingressClassName: options.kubernetes?.ingressClassName ?? DEFAULT_INGRESS_CLASS,
    clusterIssuer: options.kubernetes?.clusterIssuer ?? DEFAULT_CLUSTER_ISSUER,
    prometheusNamespace: options.kubernetes?.prometheusNamespace ?? DEFAULT_PROMETHEUS_NAMESPACE,
  };
  const objects: KubeObject[] = [namespace(ctx)];
  for (const c of components) objects.push(...dataObjects(ctx, c));
  if (ctx.store) objects.push(bucketJob(ctx, ctx.store));
  for (const s of spec.services) {
    objects.push(...appObjects(ctx, s));
    const route = ingress(ctx, s);
    if (route) objects.push(route);
  }
  objects.push(...networkPolicies(ctx));
  objects.push(...monitoringObjects(ctx));
  const ordered = inApplyOrder(objects);
  return {
    target: "kubernetes",
    files: [
      ...kubernetesFiles(ordered, `${spec.name} (${spec.environment})`),
      ...chartReleaseFiles(whole, ns, "kubernetes/"),
    ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    kubernetes: ordered,
  };
}
