/** Container image references: `[registry/]repository[:tag][@digest]`. */
import type { RenderResult } from "../render/types.js";
import { kubeLabel, kubePath, kubeWorkloads } from "./artifacts.js";

export interface ImageRef {
  readonly registry: string | undefined;
  readonly repository: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

export function parseImage(reference: string): ImageRef {
  const at = reference.indexOf("@");
  const digest = at >= 0 ? reference.slice(at + 1) : undefined;
  const rest = at >= 0 ? reference.slice(0, at) : reference;
  const slash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  // A colon before the last slash is a registry port (localhost:5000/app), not a tag.
  const tag = colon > slash ? rest.slice(colon + 1) : undefined;
  const name = colon > slash ? rest.slice(0, colon) : rest;
  const first = name.split("/")[0] ?? name;
  const hasRegistry =
    name.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  return {
    registry: hasRegistry ? first : undefined,
    repository: hasRegistry ? name.slice(first.length + 1) : name,
    tag: tag === "" ? undefined : tag,
    digest: digest === "" ? undefined : digest,
  };
}

/** Images whose last path segment names a data store: a public service running one exposes data. */
const DATA_STORE_IMAGES = new Set([
  "postgres",
  "postgresql",
  "mysql",
  "mariadb",
  "mongo",
  "mongodb",
  "redis",
  "valkey",
  "memcached",
  "rabbitmq",
  "kafka",
  "nats",
  "elasticsearch",
  "opensearch",
  "cassandra",
  "couchdb",
  "clickhouse-server",
]);

export function dataStoreOf(reference: string): string | undefined {
  const repo = parseImage(reference).repository;
  const last = repo.split("/").at(-1) ?? repo;
  return DATA_STORE_IMAGES.has(last) ? last : undefined;
}

/** A container image found in Kubernetes objects that CODE did not render from the spec. */
export interface ForeignImage {
  readonly image: string;
  readonly path: string;
  readonly label: string;
}

/**
 * Images of workloads handed in as artifacts but not rendered by CODE (no
 * `app.kubernetes.io/managed-by: codeploy` label): the spec rules judge the
 * images CODE renders, so these are judged on the manifests themselves.
 */
export function foreignKubeImages(artifacts: RenderResult | undefined): ForeignImage[] {
  const out: ForeignImage[] = [];
  for (const w of kubeWorkloads(artifacts)) {
    if (w.object.metadata.labels?.["app.kubernetes.io/managed-by"] === "codeploy") continue;
    for (const c of w.containers) {
      if (typeof c.data.image !== "string" || artifacts === undefined) continue;
      out.push({
        image: c.data.image,
        path: kubePath(artifacts, w.object, [...c.at, "image"]),
        label: `container "${c.name}" of ${kubeLabel(w.object)}`,
      });
    }
  }
  return out;
}
