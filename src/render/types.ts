/**
 * What every renderer produces: the files to write, plus the same content as
 * structured data so that policy rules can read it without parsing text.
 * Renderers are pure: the same spec gives byte-identical files.
 */
import type { Target } from "../spec/schema.js";

export interface ArtifactFile {
  /** Relative path with forward slashes, such as `kubernetes/web-deployment.yaml`. */
  readonly path: string;
  readonly content: string;
  /** Holds secret values (passwords, secret references): never hashed into stored state, written owner-only. */
  readonly sensitive?: boolean;
}

/** A Kubernetes object as plain data (apiVersion, kind, metadata, spec...). */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

/** One top-level Terraform block: `resource "aws_db_instance" "postgres" { ... }`. */
export interface TerraformBlock {
  readonly blockType:
    | "terraform"
    | "provider"
    | "variable"
    | "output"
    | "resource"
    | "data"
    | "locals"
    | "module";
  /** Labels after the block type: resource type and name, provider name, variable name... */
  readonly labels: readonly string[];
  readonly body: Readonly<Record<string, unknown>>;
}

export interface RenderResult {
  readonly target: Target;
  /** Sorted by path. */
  readonly files: readonly ArtifactFile[];
  /** target kubernetes: every object, in apply order. */
  readonly kubernetes?: readonly KubeObject[];
  /** target docker: the compose document as plain data. */
  readonly compose?: Readonly<Record<string, unknown>>;
  /** target terraform: every block of the module. */
  readonly terraform?: readonly TerraformBlock[];
}

/**
 * Where generated credentials come from. Rendering stays pure and repeatable:
 * the default derives each password from a secret seed (HMAC), so the same
 * spec and seed give the same bytes, and the seed never appears in output.
 */
export interface CredentialSource {
  /** A password for `component` (database, cache or queue name) and `purpose` (such as "admin"). */
  password(component: string, purpose: string): string;
}

/** Cluster settings the Kubernetes manifests name (`providers.kubernetes` in codeploy.yaml). */
export interface KubernetesRenderSettings {
  /** spec.ingressClassName of every Ingress. @default "nginx" */
  readonly ingressClassName?: string;
  /** cert-manager ClusterIssuer of TLS Ingresses. @default "letsencrypt" */
  readonly clusterIssuer?: string;
  /** The namespace of the Prometheus that scrapes the pods (monitoring on). @default "monitoring" */
  readonly prometheusNamespace?: string;
}

export interface RenderOptions {
  /** Target kubernetes (and helm): the cluster's ingress class and certificate issuer. */
  readonly kubernetes?: KubernetesRenderSettings;
  /** @default derived from `secretSeed` */
  readonly credentials?: CredentialSource;
  /**
   * Values of the spec's `secret:NAME` env references, by NAME (see spec/secret-refs.ts). Absent names
   * render as references that fail loudly at start (compose `${VAR:?}`, a Secret without the key, a
   * Terraform variable without a default), never as empty values.
   */
  readonly secrets?: Readonly<Record<string, string>>;
  /** Seed for the default credential source; the CLI keeps one per installation. @default "codeploy-dev-seed" (placeholder, insecure) */
  readonly secretSeed?: string;
}
