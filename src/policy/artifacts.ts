/**
 * Read access to the structured data of a RenderResult (Kubernetes objects,
 * the compose document, Terraform blocks) and finding paths that point into
 * the generated files: `artifact:<file>#<location>`.
 */
import type { KubeObject, RenderResult, TerraformBlock } from "../render/types.js";
import { formatPath } from "../spec/validate.js";
import { type Data, field, isRecord } from "./util.js";

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

export interface KubeContainer {
  readonly name: string;
  readonly data: Data;
  /** Path inside the object, such as `spec.template.spec.containers[0]`. */
  readonly at: readonly PropertyKey[];
}

export interface KubeWorkload {
  readonly object: KubeObject;
  readonly pod: Data;
  readonly podAt: readonly string[];
  readonly containers: readonly KubeContainer[];
}

/** Computed once per render result: every rule walks the workloads, and `kubePath` runs once per finding. */
const workloadsOf = new WeakMap<RenderResult, KubeWorkload[]>();

export function kubeWorkloads(result: RenderResult | undefined): KubeWorkload[] {
  if (!result) return [];
  const known = workloadsOf.get(result);
  if (known) return known;
  const out: KubeWorkload[] = [];
  for (const object of result.kubernetes ?? []) {
    const podAt = POD_SPEC_PATHS[object.kind];
    const pod = podAt ? field(object, ...podAt) : undefined;
    if (!podAt || !isRecord(pod)) continue;
    const list = Array.isArray(pod.containers) ? pod.containers : [];
    const containers = list.flatMap((data: unknown, i) =>
      isRecord(data) ? [{ name: String(data.name ?? i), data, at: [...podAt, "containers", i] }] : [],
    );
    out.push({ object, pod, podAt, containers });
  }
  workloadsOf.set(result, out);
  return out;
}

/**
 * Where each (kind, name) and each Terraform `"type" "name"` first appears in the files, read
 * once per render result: searching every file for every finding made policy quadratic in the
 * number of services (issue 15). A hit is confirmed with the exact test below, and a miss falls
 * back to the full search, so the index only saves time, never changes an answer.
 */
type File = RenderResult["files"][number];

interface FileIndex {
  readonly kube: ReadonlyMap<string, File>;
  readonly terraform: ReadonlyMap<string, File>;
}

const fileIndexes = new WeakMap<RenderResult, FileIndex>();
const KIND_LINE = /^kind:\s*["']?(.*?)["']?\s*$/gm;
const NAME_LINE = /^ {2}name:\s*["']?(.*?)["']?\s*$/gm;
/** Tried at every quote (sticky), so overlapping pairs such as `"a" "b" "c"` are all found. */
const TF_LABELS = /"([^"\n]*)" "([^"\n]*)"/y;

function fileIndex(result: RenderResult): FileIndex {
  const known = fileIndexes.get(result);
  if (known) return known;
  const kube = new Map<string, File>();
  const terraform = new Map<string, File>();
  const first = (map: Map<string, File>, key: string, file: File) => {
    if (!map.has(key)) map.set(key, file);
  };
  for (const f of result.files) {
    if (f.path.endsWith(".tf")) {
      for (let at = f.content.indexOf('"'); at >= 0; at = f.content.indexOf('"', at + 1)) {
        TF_LABELS.lastIndex = at;
        const m = TF_LABELS.exec(f.content);
        if (m) first(terraform, `${m[1]}\0${m[2]}`, f);
      }
      continue;
    }
    for (const doc of f.content.split(/^---\s*$/m)) {
      const kinds = [...doc.matchAll(KIND_LINE)].map((m) => m[1]);
      const names = [...doc.matchAll(NAME_LINE)].map((m) => m[1]);
      for (const kind of kinds) for (const name of names) first(kube, `${kind}\0${name}`, f);
    }
  }
  const index = { kube, terraform };
  fileIndexes.set(result, index);
  return index;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The file holding a Kubernetes object: a YAML document with its kind and its metadata name. */
function kubeFile(result: RenderResult, object: KubeObject): string | undefined {
  const kind = new RegExp(`^kind:\\s*["']?${escapeRegExp(object.kind)}["']?\\s*$`, "m");
  const name = new RegExp(`^ {2}name:\\s*["']?${escapeRegExp(object.metadata.name)}["']?\\s*$`, "m");
  const holds = (f: { content: string }) =>
    f.content.split(/^---\s*$/m).some((doc) => kind.test(doc) && name.test(doc));
  const indexed = fileIndex(result).kube.get(`${object.kind}\0${object.metadata.name}`);
  if (indexed && holds(indexed)) return indexed.path;
  return result.files.find(holds)?.path;
}

function withLocation(file: string, location: string, at: readonly PropertyKey[]): string {
  const rest = at.length > 0 ? formatPath(at) : "";
  const sep = rest === "" || rest.startsWith("[") ? "" : ".";
  return `artifact:${file}#${location}${sep}${rest}`;
}

export function kubePath(result: RenderResult, object: KubeObject, at: readonly PropertyKey[] = []): string {
  return withLocation(kubeFile(result, object) ?? "kubernetes", `${object.kind}/${object.metadata.name}`, at);
}

/** `kind: Deployment "web"` for messages. */
export function kubeLabel(object: KubeObject): string {
  return `${object.kind} "${object.metadata.name}"`;
}

/** The spec component a Kubernetes object belongs to: by name, then by the usual app labels and selector. */
export function kubeComponent(object: KubeObject, names: ReadonlySet<string>): string | undefined {
  const labels = object.metadata.labels ?? {};
  const selector = field(object, "spec", "selector");
  const candidates = [
    object.metadata.name,
    labels["app.kubernetes.io/name"],
    labels.app,
    isRecord(selector) ? selector["app.kubernetes.io/name"] : undefined,
    isRecord(selector) ? selector.app : undefined,
  ];
  return candidates.find((c): c is string => typeof c === "string" && names.has(c));
}

export interface ComposeService {
  readonly name: string;
  readonly data: Data;
}

export function composeServices(result: RenderResult | undefined): ComposeService[] {
  const services = field(result?.compose, "services");
  if (!isRecord(services)) return [];
  return Object.keys(services)
    .sort()
    .flatMap((name) => {
      const data = services[name];
      return isRecord(data) ? [{ name, data }] : [];
    });
}

export function composePath(result: RenderResult, service: string, ...at: PropertyKey[]): string {
  const file = result.files.find((f) => /(^|\/)(docker-)?compose\.ya?ml$/.test(f.path))?.path ?? "compose";
  return withLocation(file, formatPath(["services", service]), at);
}

export function terraformResources(
  result: RenderResult | undefined,
  ...types: readonly string[]
): TerraformBlock[] {
  return (result?.terraform ?? []).filter(
    (b) => b.blockType === "resource" && b.labels[0] !== undefined && types.includes(b.labels[0]),
  );
}

export function terraformAddress(block: TerraformBlock): string {
  return block.labels.join(".");
}

export function terraformPath(result: RenderResult, block: TerraformBlock, ...at: PropertyKey[]): string {
  const [type, name] = block.labels;
  const holds = (f: { path: string; content: string }) =>
    f.path.endsWith(".tf") && f.content.includes(`"${type}" "${name}"`);
  // Exact for labels without quotes or line breaks (all that Terraform allows); others take the full search.
  const indexed = /["\n]/.test(`${type}${name}`)
    ? undefined
    : fileIndex(result).terraform.get(`${type}\0${name}`);
  const file = indexed ?? result.files.find(holds);
  return withLocation(file?.path ?? "terraform", terraformAddress(block), at);
}

/** Published compose ports reachable from other machines (no loopback host IP). */
export function publicComposePorts(service: Data): string[] {
  const ports = Array.isArray(service.ports) ? service.ports : [];
  const out: string[] = [];
  for (const port of ports) {
    if (typeof port === "string" || typeof port === "number") {
      const text = String(port);
      // "127.0.0.1:5432:5432" and "[::1]:5432:5432" stay on the host.
      if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\]):/.test(text)) out.push(text);
    } else if (isRecord(port)) {
      const host = typeof port.host_ip === "string" ? port.host_ip : "0.0.0.0";
      if (!/^(127\.|localhost$|::1$)/.test(host))
        out.push(`${host}:${String(port.published ?? "")}:${String(port.target)}`);
    }
  }
  return out;
}
