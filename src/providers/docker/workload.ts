/**
 * What to run for one component: a spec service (replicas of an app
 * container) or a data component (one container on a named volume). The
 * container settings come from the rendered compose document, so compose and
 * this provider agree on images, environment, commands and health checks.
 */
import { createHash } from "node:crypto";
import type Docker from "dockerode";
import { ProviderError, type StepContext } from "../../engine/provider.js";
import { dataComponents } from "../../render/data-services.js";
import { hostPorts } from "../../render/docker/index.js";
import { dockerVolumeName, volumesOf } from "../../render/volumes.js";
import {
  type ComposeService,
  composeService,
  environment,
  healthConfig,
  memoryBytes,
  nanoCpus,
} from "./compose-service.js";
import type { Publish } from "./host-ports.js";
import { envFileOf, interpolate } from "./interpolate.js";
import { type ContainerRole, LABEL, networkName, type Scope, volumeName } from "./names.js";

/** How the provider decides that a container is ready. */
export type Probe =
  | { readonly type: "http"; readonly port: number; readonly path: string }
  | { readonly type: "tcp"; readonly port: number }
  | { readonly type: "running" };

export interface Workload {
  readonly scope: Scope;
  readonly component: string;
  readonly role: ContainerRole;
  readonly replicas: number;
  /** rolling: the new replica is ready before the old one stops; recreate: one at a time (a volume has one writer). */
  readonly strategy: "rolling" | "recreate";
  readonly image: string;
  readonly port?: number;
  readonly publish?: Publish;
  readonly probe: Probe;
  readonly volume?: { readonly name: string; readonly path: string };
  /** A spec service's named volumes (`services[].volumes`), each labelled with its service and volume name. */
  readonly serviceVolumes?: readonly ServiceMount[];
  /** Container settings shared by every replica (no name, host port, revision or hash yet). */
  readonly base: Docker.ContainerCreateOptions;
  /** Values that must never appear in logs or errors. */
  readonly secrets: readonly string[];
}

export interface ServiceMount {
  readonly name: string;
  readonly volume: string;
  readonly path: string;
}

export function scopeOf(ctx: Pick<StepContext, "app" | "environment">): Scope {
  return { app: ctx.app, environment: ctx.environment };
}

interface Frame {
  readonly scope: Scope;
  readonly component: string;
  readonly role: ContainerRole;
  readonly compose: ComposeService;
  readonly vars: ReadonlyMap<string, string>;
  readonly volume?: { readonly name: string; readonly path: string };
  readonly mounts?: readonly ServiceMount[];
}

function mountsOf(f: Frame): Docker.MountSettings[] {
  const out: Docker.MountSettings[] = [];
  if (f.volume) out.push({ Type: "volume", Source: f.volume.name, Target: f.volume.path });
  for (const m of f.mounts ?? []) out.push({ Type: "volume", Source: m.name, Target: m.path });
  return out;
}

function baseOptions(f: Frame, image: string, port: number | undefined): Docker.ContainerCreateOptions {
  const where = `service ${f.component}`;
  const fill = (v: string) => interpolate(v, f.vars, where);
  const c = f.compose;
  const net = networkName(f.scope);
  const limits = c.deploy?.resources?.limits;
  const memory = memoryBytes(limits?.memory);
  const cpus = nanoCpus(limits?.cpus);
  const health = healthConfig(c.healthcheck, fill);
  const mounts = mountsOf(f);
  return {
    Image: image,
    ...(c.command ? { Cmd: c.command.map(fill) } : {}),
    ...(c.entrypoint ? { Entrypoint: c.entrypoint.map(fill) } : {}),
    Env: environment(c, f.vars, where),
    ...(c.hostname ? { Hostname: c.hostname } : {}),
    ...(health ? { Healthcheck: health } : {}),
    ...(port !== undefined ? { ExposedPorts: { [`${port}/tcp`]: {} } } : {}),
    Labels: {
      [LABEL.app]: f.scope.app,
      [LABEL.env]: f.scope.environment,
      [LABEL.service]: f.component,
      [LABEL.role]: f.role,
    },
    HostConfig: {
      // An init process reaps children and forwards signals: images whose PID 1 ignores SIGTERM stop at once.
      Init: true,
      NetworkMode: net,
      RestartPolicy: { Name: c.restart === "no" || !c.restart ? "no" : c.restart },
      ...(memory !== undefined ? { Memory: memory } : {}),
      ...(cpus !== undefined ? { NanoCpus: cpus } : {}),
      ...(mounts.length > 0 ? { Mounts: mounts } : {}),
    },
    NetworkingConfig: { EndpointsConfig: { [net]: { Aliases: [f.component] } } },
  };
}

/**
 * The workload of spec service `name`; undefined for cron services, which docker cannot schedule.
 * `exposedPort`: the port the image declares (EXPOSE), used when the spec names none.
 */
export function serviceWorkload(
  ctx: StepContext,
  name: string,
  publishHost: string,
  exposedPort?: number,
): Workload | undefined {
  const service = ctx.spec.services.find((s) => s.name === name);
  if (!service) throw missing(name);
  if (service.kind === "cron") return undefined;
  const compose = composeService(ctx.artifacts.compose, name);
  if (!compose.image) {
    throw new ProviderError(
      "DOCKER_NO_IMAGE",
      `service ${name} has no image: the docker provider runs images, it does not build them`,
      {
        hint: `build and tag an image for ${name} (docker build -t ...), then set services[].image in the spec`,
      },
    );
  }
  const vars = envFileOf(ctx.artifacts.files);
  const scope = scopeOf(ctx);
  const mounts = volumesOf(service).map((v) => ({
    name: dockerVolumeName(ctx.spec, v),
    volume: v.volume,
    path: v.path,
  }));
  const frame: Frame = { scope, component: name, role: "app", compose, vars, mounts };
  const port = service.port ?? exposedPort;
  // The rendered start of the service's host range, or for an EXPOSEd port with no hostPort, that port.
  const preferredPort = hostPorts(ctx.spec).get(name) ?? port;
  const probe: Probe =
    port === undefined
      ? { type: "running" }
      : service.healthCheck
        ? { type: "http", port, path: service.healthCheck.path }
        : { type: "tcp", port };
  return {
    scope,
    component: name,
    role: "app",
    replicas: service.replicas,
    strategy: "rolling",
    image: compose.image,
    ...(port !== undefined ? { port } : {}),
    ...(service.public && port !== undefined && preferredPort !== undefined
      ? { publish: { host: publishHost, preferredPort, fixed: service.hostPort !== undefined } }
      : {}),
    probe,
    ...(mounts.length > 0 ? { serviceVolumes: mounts } : {}),
    base: baseOptions(frame, compose.image, port),
    secrets: [...vars.values()],
  };
}

/** The workload of data component `name` (a database, cache, queue, or the object store behind buckets). */
export function dataWorkload(ctx: StepContext, name: string, existingVolume?: string): Workload {
  const component = dataComponents(ctx.spec).find((c) => c.name === name);
  if (!component) throw missing(name);
  const compose = composeService(ctx.artifacts.compose, name);
  const scope = scopeOf(ctx);
  const path = component.profile.volumePath;
  // A volume an earlier version made (under its older name) is found by its labels and kept: it holds the data.
  const volume = path ? { name: existingVolume ?? volumeName(scope, name), path } : undefined;
  const vars = envFileOf(ctx.artifacts.files);
  const image = compose.image ?? component.image;
  const frame: Frame = { scope, component: name, role: "data", compose, vars, ...(volume ? { volume } : {}) };
  return {
    scope,
    component: name,
    role: "data",
    replicas: 1,
    strategy: "recreate",
    image,
    port: component.profile.port,
    probe: { type: "tcp", port: component.profile.port },
    ...(volume ? { volume } : {}),
    base: baseOptions(frame, image, component.profile.port),
    secrets: [...vars.values()],
  };
}

/** A one-shot container from the compose document (the job that creates the buckets). */
export function jobWorkload(ctx: StepContext, name: string): Workload {
  const compose = composeService(ctx.artifacts.compose, name);
  if (!compose.image) throw missing(name);
  const vars = envFileOf(ctx.artifacts.files);
  const scope = scopeOf(ctx);
  const frame: Frame = { scope, component: name, role: "job", compose, vars };
  return {
    scope,
    component: name,
    role: "job",
    replicas: 1,
    strategy: "recreate",
    image: compose.image,
    probe: { type: "running" },
    base: baseOptions(frame, compose.image, undefined),
    secrets: [...vars.values()],
  };
}

function missing(name: string): ProviderError {
  return new ProviderError("DOCKER_UNKNOWN_COMPONENT", `the spec has no component named ${name}`, {
    hint: "the plan and the spec disagree: plan again from the same spec",
  });
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/**
 * A digest of everything that defines a replica except its name, index and
 * host port: the settings, the image's id (a re-tagged image rolls out) and
 * where ports are published. Equal digests mean the container can stay.
 */
export function configHash(w: Workload, imageId: string): string {
  const input = JSON.stringify(canonical({ base: w.base, imageId, publish: w.publish?.host ?? null }));
  return createHash("sha256").update(input).digest("hex").slice(0, 16);
}
