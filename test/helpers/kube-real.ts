/** Small readers shared by the tests against the real control plane (kube-cluster.ts). */
import { providerFor, render } from "../../src/providers/kubernetes/__fixtures__/harness.js";
import type { KubernetesProviderOptions } from "../../src/providers/kubernetes/index.js";
import type { DeploymentSpec } from "../../src/spec/schema.js";
import type { KubeCluster } from "./kube-cluster.js";

type Fields = Record<string, unknown>;

export const at = (o: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>(
    (cur, k) => (typeof cur === "object" && cur !== null ? (cur as Fields)[k] : undefined),
    o,
  );

/** The namespace as rendered (how it is named is the renderer's business, not the tests'). */
export function namespaceOf(spec: DeploymentSpec): string {
  const ns = render(spec).kubernetes?.find((o) => o.kind === "Namespace")?.metadata.name;
  if (!ns) throw new Error(`no Namespace rendered for ${spec.name}`);
  return ns;
}

/** `kubectl get KIND [NAME] [-n NS] -o json --show-managed-fields` */
export async function getJson(
  kube: KubeCluster,
  kind: string,
  name: string,
  namespace?: string,
  extra: readonly string[] = [],
): Promise<Fields> {
  const args = ["get", kind, ...(name ? [name] : []), ...(namespace ? ["-n", namespace] : [])];
  return JSON.parse(await kube.kubectl([...args, ...extra, "-o", "json", "--show-managed-fields"])) as Fields;
}

export async function objectExists(
  kube: KubeCluster,
  kind: string,
  name: string,
  namespace?: string,
): Promise<boolean> {
  const args = [
    "get",
    kind,
    name,
    ...(namespace ? ["-n", namespace] : []),
    "--ignore-not-found",
    "-o",
    "name",
  ];
  return (await kube.kubectl(args)).trim() !== "";
}

/** Real pods take a few seconds: polls every 250 ms, waits up to 50 s (a loaded 2-core machine; the harness gives a step 60 s). */
export function realProvider(kube: KubeCluster, options: KubernetesProviderOptions = {}) {
  return providerFor(kube.kubeconfigPath, {
    context: "codeploy-kube",
    pollIntervalMs: 250,
    rolloutTimeoutMs: 50_000,
    ...options,
  });
}

/** The image of a Deployment's first container, as the server has it now. */
export async function imageOf(kube: KubeCluster, deployment: string, namespace: string): Promise<unknown> {
  return at(
    await getJson(kube, "deployment", deployment, namespace),
    "spec",
    "template",
    "spec",
    "containers",
    0,
    "image",
  );
}
