/**
 * A rendered Kubernetes object -> a Helm template. The object is copied with
 * placeholders where values go (HELMVALUE<i>X for a scalar, HELMBLOCK<i>X for
 * a YAML block), serialised as usual, then index.ts swaps each placeholder for
 * its template expression. Placeholders are plain words, so the YAML writer
 * never quotes or folds them. Service names may hold dashes, which Go
 * templates cannot follow after a dot: values are reached with `index`.
 */
import type { DeploymentSpec, Service } from "../../spec/schema.js";
import type { KubeObject } from "../types.js";

export interface Holes {
  /** Template expressions for HELMVALUE<i>X. */
  readonly scalars: string[];
  /** Writers of the lines for HELMBLOCK<i>X, given the placeholder's indentation. */
  readonly blocks: ((indent: number) => string)[];
}

type Fields = Record<string, unknown>;
const isFields = (v: unknown): v is Fields => typeof v === "object" && v !== null && !Array.isArray(v);

interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: unknown;
}

/** `(index .Values.services "web")` */
export const serviceRef = (name: string) => `(index .Values.services ${JSON.stringify(name)})`;

function scalar(holes: Holes, expr: string): string {
  holes.scalars.push(expr);
  return `HELMVALUE${holes.scalars.length - 1}X`;
}

function block(holes: Holes, write: (indent: number) => string): string {
  holes.blocks.push(write);
  return `HELMBLOCK${holes.blocks.length - 1}X`;
}

/** The pod template of a Deployment or a CronJob. */
function podSpec(o: Fields): Fields | undefined {
  const spec = isFields(o.spec) ? o.spec : undefined;
  if (!spec) return undefined;
  const template = o.kind === "CronJob" ? (spec.jobTemplate as Fields | undefined)?.spec : spec;
  const pod = isFields(template) && isFields(template.template) ? template.template.spec : undefined;
  return isFields(pod) ? pod : undefined;
}

function mainContainer(o: Fields, service: string): Fields | undefined {
  const containers = podSpec(o)?.containers;
  if (!Array.isArray(containers)) return undefined;
  const found = containers.find((c) => isFields(c) && c.name === service) ?? containers[0];
  return isFields(found) ? found : undefined;
}

const workloadOf = (objects: readonly KubeObject[], s: Service) =>
  objects.find((o) => (o.kind === "Deployment" || o.kind === "CronJob") && o.metadata.name === s.name);

/** values.yaml's `services`: what each service runs with, as rendered. */
export function serviceValues(spec: DeploymentSpec, objects: readonly KubeObject[]): Record<string, Fields> {
  const out: Record<string, Fields> = {};
  for (const s of spec.services) {
    const workload = workloadOf(objects, s);
    const container = workload ? mainContainer(workload, s.name) : undefined;
    const env = Array.isArray(container?.env) ? (container.env as EnvVar[]) : [];
    const spec = isFields(workload?.spec) ? workload.spec : {};
    // An autoscaled Deployment has no replicas (its HPA owns the count): no value that would do nothing.
    const replicas = typeof spec.replicas === "number" ? spec.replicas : s.autoscale ? undefined : s.replicas;
    out[s.name] = {
      image: String(container?.image ?? s.image ?? ""),
      ...(replicas === undefined ? {} : { replicas }),
      resources: container?.resources ?? {},
      domain: s.domain ?? "",
      env: Object.fromEntries(env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value])),
    };
  }
  return out;
}

/**
 * The env list in the rendered order: secret references as rendered (JSON is
 * YAML), plain values from values.yaml; then any variable the values add.
 */
function envBlock(env: readonly EnvVar[], ref: string) {
  const known = env.filter((e) => e.value !== undefined).map((e) => JSON.stringify(e.name));
  return (indent: number): string => {
    const pad = " ".repeat(indent);
    const lines: string[] = [];
    for (const e of env) {
      if (e.value === undefined) {
        lines.push(`${pad}- ${JSON.stringify({ name: e.name, valueFrom: e.valueFrom })}`);
        continue;
      }
      lines.push(`${pad}- name: ${JSON.stringify(e.name)}`);
      lines.push(`${pad}  value: {{ index ${ref}.env ${JSON.stringify(e.name)} | toString | quote }}`);
    }
    lines.push(`{{- range $name, $value := ${ref}.env }}`);
    lines.push(`{{- if not (has $name (list ${known.join(" ")})) }}`);
    lines.push(`${pad}- name: {{ $name | quote }}`);
    lines.push(`${pad}  value: {{ $value | toString | quote }}`);
    lines.push("{{- end }}");
    lines.push("{{- end }}");
    return `${lines.join("\n")}\n`;
  };
}

function templateWorkload(o: Fields, s: Service, holes: Holes): void {
  const ref = serviceRef(s.name);
  const spec = o.spec as Fields;
  if (o.kind === "Deployment" && typeof spec.replicas === "number")
    spec.replicas = scalar(holes, `${ref}.replicas`);
  const container = mainContainer(o, s.name);
  if (!container) return;
  container.image = scalar(holes, `${ref}.image | quote`);
  container.resources = block(holes, (indent) => `{{- toYaml ${ref}.resources | nindent ${indent} }}\n`);
  const env = Array.isArray(container.env) ? (container.env as EnvVar[]) : [];
  if (env.length > 0) {
    container.env = [block(holes, envBlock(env, ref))];
    return;
  }
  // No variable rendered: the key appears only when the values add some.
  container[KEYLESS] = block(holes, (indent) => {
    const pad = " ".repeat(indent);
    return [
      `{{- with ${ref}.env }}`,
      `${pad}env:`,
      "{{- range $name, $value := . }}",
      `${pad}  - name: {{ $name | quote }}`,
      `${pad}    value: {{ $value | toString | quote }}`,
      "{{- end }}",
      "{{- end }}",
      "",
    ].join("\n");
  });
}

/** A map key whose line a block replaces whole (index.ts): the block writes its own key, or none. */
export const KEYLESS = "HELMKEYLESS";

function templateIngress(o: Fields, s: Service, holes: Holes): void {
  const spec = o.spec as Fields;
  const domain = `${serviceRef(s.name)}.domain | quote`;
  for (const rule of Array.isArray(spec.rules) ? spec.rules : [])
    if (isFields(rule) && rule.host !== undefined) rule.host = scalar(holes, domain);
  for (const tls of Array.isArray(spec.tls) ? spec.tls : [])
    if (isFields(tls) && Array.isArray(tls.hosts)) tls.hosts = tls.hosts.map(() => scalar(holes, domain));
}

export function templateObject(o: KubeObject, spec: DeploymentSpec, holes: Holes): Fields {
  const copy = structuredClone(o) as Fields & { metadata: Fields };
  if (o.kind === "Namespace") copy.metadata.name = scalar(holes, ".Release.Namespace");
  else if (o.metadata.namespace !== undefined) copy.metadata.namespace = scalar(holes, ".Release.Namespace");
  const service = spec.services.find((s) => s.name === o.metadata.name);
  if (!service) return copy;
  if (o.kind === "Deployment" || o.kind === "CronJob") templateWorkload(copy, service, holes);
  if (o.kind === "Ingress") templateIngress(copy, service, holes);
  return copy;
}
