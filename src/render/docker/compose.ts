/**
 * The compose document: one service per spec service, the data services, one
 * network and the named volumes. Keys are written in a fixed order; maps that
 * come from the spec keep the spec's order (or are sorted).
 */
import { composeProjectName } from "../../spec/naming.js";
import type { DeploymentSpec, Service } from "../../spec/schema.js";
import { secretEnvVar, secretRefName } from "../../spec/secret-refs.js";
import {
  type DataComponent,
  DEFAULT_APP_RESOURCES,
  dataComponents,
  objectStoreName,
  serviceNamed,
} from "../data-services.js";
import { type ConnectionValue, connectionVars } from "../local-connections.js";
import {
  bucketJob,
  type ComposeService,
  composeAccess,
  dataService,
  escapeDollars,
  passwordVar,
  type ServiceFrame,
  sortedRecord,
} from "./data-services.js";
import { composeCpus, composeMemory } from "./units.js";

export interface ComposeModel {
  readonly document: Record<string, unknown>;
  readonly components: readonly DataComponent[];
}

/**
 * Host ports for public services, bound to 127.0.0.1: the service's own port,
 * or a range of one port per replica (Docker picks one per container). A
 * range that overlaps an earlier one moves up.
 */
export function hostPorts(spec: DeploymentSpec): Map<string, string> {
  const used = new Set<number>();
  const out = new Map<string, string>();
  // Where the last search for the same port and count ended: ports only get taken, so every start
  // below it is still taken for that count, and the search resumes there (linear, not quadratic).
  const resume = new Map<string, number>();
  for (const s of spec.services) {
    if (!s.public || s.port === undefined || s.kind === "cron") continue;
    const count = Math.max(1, s.replicas);
    const key = `${s.port}/${count}`;
    let start = Math.max(s.port, resume.get(key) ?? s.port);
    const free = (from: number) => {
      for (let p = from; p < from + count; p++) if (used.has(p)) return false;
      return true;
    };
    while (!free(start) && start + count <= 65535) start += 1;
    resume.set(key, start);
    for (let i = 0; i < count; i++) used.add(start + i);
    out.set(s.name, count === 1 ? String(start) : `${start}-${start + count - 1}`);
  }
  return out;
}

/** Runs inside the app's image: wget (busybox, alpine, most distros) or curl; images with neither stay unhealthy. */
function appHealthcheck(s: Service): Record<string, unknown> | undefined {
  if (!s.healthCheck || s.port === undefined) return undefined;
  const url = `'http://127.0.0.1:${s.port}${s.healthCheck.path.replace(/'/g, `'\\''`)}'`;
  return {
    test: [
      "CMD-SHELL",
      escapeDollars(`wget -q -O /dev/null ${url} || curl -fsS -o /dev/null ${url} || exit 1`),
    ],
    interval: "15s",
    timeout: "5s",
    retries: 3,
    start_period: "20s",
  };
}

interface AppContext {
  readonly spec: DeploymentSpec;
  readonly frame: ServiceFrame;
  readonly data: ReadonlyMap<string, DataComponent>;
  readonly ports: ReadonlyMap<string, string>;
}

function connectionValue(ctx: AppContext, value: ConnectionValue): string {
  const store = objectStoreName(ctx.spec);
  switch (value.type) {
    case "url": {
      const c = ctx.data.get(value.component);
      return c ? c.profile.url(composeAccess(ctx.spec, c.name, false)) : "";
    }
    case "password":
      return `\${${passwordVar(value.component, "app")}}`;
    case "store-user":
      return composeAccess(ctx.spec, store, false).user;
    case "store-password":
      return `\${${passwordVar(store, "app")}}`;
    case "literal":
      return escapeDollars(value.value);
  }
}

function dependsOn(ctx: AppContext, s: Service): Record<string, { condition: string }> | undefined {
  const out: Record<string, { condition: string }> = {};
  const buckets = new Set(ctx.spec.buckets.map((b) => b.name));
  for (const dep of s.dependsOn) {
    const data = ctx.data.get(dep);
    const other = serviceNamed(ctx.spec, dep);
    if (data) out[dep] = { condition: data.profile.healthcheck ? "service_healthy" : "service_started" };
    else if (buckets.has(dep))
      out[`${objectStoreName(ctx.spec)}-buckets`] = { condition: "service_completed_successfully" };
    else if (other && other.kind !== "cron") {
      out[dep] = { condition: appHealthcheck(other) ? "service_healthy" : "service_started" };
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function notes(s: Service, ctx: AppContext): string[] {
  const out: string[] = [];
  if (!s.image)
    out.push(`no image in the spec: built from ./${s.name} (put a Dockerfile there, or set the image)`);
  if (s.public && s.port === undefined) out.push("public, but the spec has no port: nothing is published");
  if (s.autoscale)
    out.push(`autoscale ${s.autoscale.min}-${s.autoscale.max}: compose runs a fixed ${s.replicas}`);
  if (s.domain)
    out.push(`domain ${s.domain}: served on 127.0.0.1:${ctx.ports.get(s.name) ?? "-"}; no TLS or DNS here`);
  if (!s.resources?.cpu || !s.resources.memory) {
    out.push("resources not (fully) in the spec: the default limits are 0.5 CPU and 512m");
  }
  if (s.kind === "cron")
    out.push(`compose has no scheduler: run "docker compose run --rm ${s.name}" from cron at the schedule`);
  return out;
}

/** A literal (dollars escaped), or for `secret:NAME` the `.env` variable that holds its value. */
function appEnvValue(value: string): string {
  const secret = secretRefName(value);
  if (secret === undefined) return escapeDollars(value);
  return `\${${secretEnvVar(secret)}:?secret ${secret} is not set: export ${secretEnvVar(secret)} and render again}`;
}

function appService(ctx: AppContext, s: Service): ComposeService {
  const out: ComposeService = s.image ? { image: s.image } : { build: { context: `./${s.name}` } };
  if (s.kind === "cron") out.profiles = ["cron"];
  out.restart = s.kind === "cron" ? "no" : "unless-stopped";
  const env = new Map(Object.entries(s.env).map(([k, v]) => [k, appEnvValue(v)] as const));
  for (const v of connectionVars(ctx.spec, s)) env.set(v.name, connectionValue(ctx, v.value));
  if (env.size > 0) out.environment = sortedRecord(env);
  const published = ctx.ports.get(s.name);
  if (published && s.port !== undefined) out.ports = [`127.0.0.1:${published}:${s.port}`];
  const deps = dependsOn(ctx, s);
  if (deps) out.depends_on = deps;
  const health = appHealthcheck(s);
  if (health) out.healthcheck = health;
  const limits = {
    cpus: composeCpus(s.resources?.cpu ?? DEFAULT_APP_RESOURCES.limits.cpu),
    memory: composeMemory(s.resources?.memory ?? DEFAULT_APP_RESOURCES.limits.memory),
  };
  out.deploy =
    s.kind === "cron" ? { resources: { limits } } : { replicas: s.replicas, resources: { limits } };
  out.networks = [ctx.frame.network];
  out.labels = ctx.frame.labels(s.name);
  if (s.kind === "cron" && s.schedule) out["x-codeploy-schedule"] = s.schedule;
  const n = notes(s, ctx);
  if (n.length > 0) out["x-codeploy-notes"] = n;
  return out;
}

export function composeModel(spec: DeploymentSpec): ComposeModel {
  // Injective (spec/naming.ts): the network is named after it, and Docker network names are global.
  const project = composeProjectName({ app: spec.name, environment: spec.environment });
  const labels = (service?: string): Record<string, string> => ({
    "codeploy.app": spec.name,
    "codeploy.env": spec.environment,
    ...(service === undefined ? {} : { "codeploy.service": service }),
  });
  const frame: ServiceFrame = { network: project, labels: (service) => labels(service) };
  const components = dataComponents(spec);
  const ctx: AppContext = {
    spec,
    frame,
    data: new Map(components.map((c) => [c.name, c])),
    ports: hostPorts(spec),
  };
  const services: Record<string, ComposeService> = {};
  for (const s of spec.services) services[s.name] = appService(ctx, s);
  for (const c of components) services[c.name] = dataService(spec, c, frame);
  const volumes: Record<string, unknown> = {};
  for (const c of components) if (c.profile.volumePath) volumes[`${c.name}-data`] = { labels: labels() };
  if (spec.buckets.length > 0) {
    const store = objectStoreName(spec);
    services[`${store}-buckets`] = bucketJob(spec, store, frame);
  }
  const document: Record<string, unknown> = {
    name: project,
    services,
    networks: { [project]: { name: project, labels: labels() } },
  };
  if (Object.keys(volumes).length > 0) document.volumes = volumes;
  return { document, components };
}
