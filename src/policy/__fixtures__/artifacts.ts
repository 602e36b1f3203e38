/** Hand-made RenderResults: hardened by default, so each test breaks exactly one thing. */
import { stringify } from "yaml";
import type { KubeObject, RenderResult, TerraformBlock } from "../../render/types.js";

type Data = Record<string, unknown>;

export function container(patch: Data = {}, securityContext: Data = {}): Data {
  return {
    name: "web",
    image: "ghcr.io/acme/web:1.4.2",
    ports: [{ containerPort: 8080 }],
    readinessProbe: { httpGet: { path: "/healthz", port: 8080 } },
    resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { memory: "512Mi" } },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 10001,
      allowPrivilegeEscalation: false,
      ...securityContext,
    },
    ...patch,
  };
}

export function deployment(name = "web", pod: Data = {}, containers: Data[] = [container()]): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    // Labelled like CODE's own output: image rules judge the spec's images, not these.
    metadata: {
      name,
      labels: { "app.kubernetes.io/name": name, "app.kubernetes.io/managed-by": "codeploy" },
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { "app.kubernetes.io/name": name } },
      template: {
        metadata: { labels: { "app.kubernetes.io/name": name } },
        spec: { automountServiceAccountToken: false, containers, ...pod },
      },
    },
  };
}

export function kubeService(name: string, type = "ClusterIP", port = 8080): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name },
    spec: { type, selector: { "app.kubernetes.io/name": name }, ports: [{ port, targetPort: port }] },
  };
}

export function ingress(name: string, backend: string): KubeObject {
  const path = {
    path: "/",
    pathType: "Prefix",
    backend: { service: { name: backend, port: { number: 8080 } } },
  };
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name },
    spec: { rules: [{ host: "shop.example.com", http: { paths: [path] } }] },
  };
}

/** One file per object, named `kubernetes/<name>-<kind>.yaml`, as YAML. */
export function kube(...objects: KubeObject[]): RenderResult {
  return {
    target: "kubernetes",
    files: objects.map((o) => ({
      path: `kubernetes/${o.metadata.name}-${o.kind.toLowerCase()}.yaml`,
      content: stringify(o),
    })),
    kubernetes: objects,
  };
}

export function composeService(patch: Data = {}): Data {
  return {
    image: "ghcr.io/acme/web:1.4.2",
    ports: ["8080:8080"],
    user: "10001:10001",
    deploy: { resources: { limits: { memory: "512Mi" } } },
    ...patch,
  };
}

export function compose(services: Record<string, Data>): RenderResult {
  const document = { name: "shop", services };
  return {
    target: "docker",
    files: [{ path: "docker/compose.yaml", content: stringify(document) }],
    compose: document,
  };
}

/** A nested block the way the Terraform renderer builds it (src/render/terraform/hcl.ts). */
export function hclBlock(body: Data): Data {
  return { $hcl: "block", labels: [], body };
}

export function resource(type: string, name: string, body: Data): TerraformBlock {
  return { blockType: "resource", labels: [type, name], body };
}

export function terraform(...blocks: TerraformBlock[]): RenderResult {
  const content = blocks
    .map((b) => `${b.blockType} ${b.labels.map((l) => `"${l}"`).join(" ")} {\n}\n`)
    .join("\n");
  return { target: "terraform", files: [{ path: "terraform/main.tf", content }], terraform: blocks };
}
