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
import { composeRuntime, composeServiceVolumes } from "./app-runtime.js";
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
  /** No top-level `name`: docker-compose 1.29 refuses it; the project name goes to `.env`. */
  readonly document: Record<string, unknown>;
  /** COMPOSE_PROJECT_NAME, which docker compose reads from `.env` (podman-compose takes `-p`). */
  readonly project: string;
  readonly components: readonly DataComponent[];
}

/**
 * The first host port of each public service with a port: replica i listens on
 * start+i. A spec's `hostPort` is taken as written (the spec checks that those
 * ranges do not overlap); the others start at their own port and move up past
 * any range taken before them.
 */
export function hostPorts(spec: DeploymentSpec): Map<string, number> {
  const used = new Set<number>();
  const out = new Map<string, number>();
  const published = spec.services.filter((s) => s.public && s.kind !== "cron");
  const count = (s: Service) => Math.max(1, s.replicas);
  for (const s of published) {
    if (s.hostPort === undefined) continue;
    for (let i = 0; i < count(s); i++) used.add(s.hostPort + i);
    out.set(s.name, s.hostPort);
  }
  // Where the last search for the same port and count ended: ports only get taken, so every start
  // below it is still taken for that count, and the search resumes there (linear, not quadratic).
  const resume = new Map<string, number>();
  for (const s of published) {
    if (s.hostPort !== undefined || s.port === undefined) continue;
    const n = count(s);
    const key = `${s.port}/${n}`;
    let start = Math.max(s.port, resume.get(key) ?? s.port);
    const free = (from: number) => {
      for (let p = from; p < from + n; p++) if (used.has(p)) return false;
      return true;
    };
    while (!free(start) && start + n <= 65535) start += 1;
    resume.set(key, start);
    for (let i = 0; i < n; i++) used.add(start + i);
    out.set(s.name, start);
  }
  return out;
}

/**
 * The compose `ports` entry. One replica: its fixed host port. Several: compose
 * gives every replica the same entry, and a host range for one container port
 * is refused by podman ("port ranges have different lengths"), so each replica
 * gets a free port from the engine instead (`docker compose port --index=N`).
 */
function composePorts(s: Service, hostPort: number | undefined): string[] | undefined {
  if (s.port === undefined || hostPort === undefined) return undefined;
  return s.replicas > 1 ? [`127.0.0.1::${s.port}`] : [`127.0.0.1:${hostPort}:${s.port}`];
}

/** Runs inside the app's image: wget (busybox, alpine, most distros) or curl; images with neither stay unhealthy. */
function appHealthcheck(s: Service): Record<string, unknown> | undefined {
  if (!s.healthCheck || s.port === undefined) return undefined;
  const url = `'http://127.0.0.1:${s.port}${s.healthCheck.path.replace(/'/g, `'\\''`)}'`;
  return {
    // A string is CMD-SHELL everywhere; podman-compose 1.0 consumes a list's first item on the first
    // replica (list.pop) and refuses the second replica's health check.
    test: escapeDollars(`wget -q -O /dev/null ${url} || curl -fsS -o /dev/null ${url} || exit 1`),
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
  readonly ports: ReadonlyMap<string, number>;
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
  if (s.public && s.port === undefined)
    out.push(
      "public, but the spec has no port: compose publishes nothing (codeploy's docker provider publishes the port the image EXPOSEs)",
    );
  if (s.autoscale)
    out.push(`autoscale ${s.autoscale.min}-${s.autoscale.max}: compose runs a fixed ${s.replicas}`);
  const host = ctx.ports.get(s.name);
  if (s.port !== undefined && host !== undefined && s.replicas > 1)
    out.push(
      `${s.replicas} replicas: compose publishes each on a free host port (docker compose port --index=N ${s.name} ${s.port}); codeploy's docker provider keeps ${host}-${host + s.replicas - 1}`,
    );
  if (s.domain) out.push(`domain ${s.domain}: served on 127.0.0.1:${host ?? "-"}; no TLS or DNS here`);
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
  Object.assign(out, composeRuntime(s));
  if (s.kind === "cron") out.profiles = ["cron"];
  out.restart = s.kind === "cron" ? "no" : "unless-stopped";
  const env = new Map(Object.entries(s.env).map(([k, v]) => [k, appEnvValue(v)] as const));
  for (const v of connectionVars(ctx.spec, s)) env.set(v.name, connectionValue(ctx, v.value));
  if (env.size > 0) out.environment = sortedRecord(env);
  const ports = composePorts(s, ctx.ports.get(s.name));
  if (ports) out.ports = ports;
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
  const volumes: Record<string, unknown> = composeServiceVolumes(spec);
  for (const c of components) if (c.profile.volumePath) volumes[`${c.name}-data`] = { labels: labels() };
  if (spec.buckets.length > 0) {
    const store = objectStoreName(spec);
    services[`${store}-buckets`] = bucketJob(spec, store, frame);
  }
  const document: Record<string, unknown> = {
    services,
    networks: { [project]: { name: project, labels: labels() } },
  };
  if (Object.keys(volumes).length > 0) document.volumes = volumes;
  return { document, project, components };
}
