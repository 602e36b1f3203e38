/** The steps that create or update: data components, services, buckets and the ingress check. */
import { type PlanStep, ProviderError, type StepContext, type StepResult } from "../../engine/provider.js";
import { objectStoreName } from "../../render/data-services.js";
import { dockerVolumeName, serviceVolumes } from "../../render/volumes.js";
import { endpointOf, listContainers, removeContainer, startReplica } from "./containers.js";
import { converge, mismatch, type ReplicaOutcome, verify } from "./converge.js";
import { httpAnswers } from "./health.js";
import { exposedPort } from "./images.js";
import { ensureNetwork, ensureVolume, existingVolume } from "./infra.js";
import { containerName } from "./names.js";
import { type Session, safeLog } from "./session.js";
import {
  configHash,
  dataWorkload,
  jobWorkload,
  scopeOf,
  serviceWorkload,
  type Workload,
} from "./workload.js";

function summary(w: Workload, outcomes: readonly ReplicaOutcome[]): string {
  const count = (c: ReplicaOutcome["change"]) => outcomes.filter((o) => o.change === c).length;
  const parts = (["created", "replaced", "kept"] as const)
    .filter((c) => count(c) > 0)
    .map((c) => `${count(c)} ${c}`);
  return `${w.component}: ${w.replicas} replica(s) of ${w.image}${parts.length > 0 ? ` (${parts.join(", ")})` : ""}`;
}

function endpoints(w: Workload, outcomes: readonly ReplicaOutcome[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of outcomes) if (o.endpoint) out[`endpoint.${w.component}.${o.replica}`] = o.endpoint;
  return out;
}

/** Image, network (and volume), replicas, then a check that what runs matches. */
async function applyWorkload(session: Session, ctx: StepContext, w: Workload): Promise<StepResult> {
  const log = safeLog(ctx);
  const docker = await session.docker(ctx.signal);
  const imageId = await session.image(w.image, { ...ctx, log });
  const adoption = { adopt: ctx.adopt === true, log };
  await ensureNetwork(docker, w.scope, ctx.signal, adoption);
  if (
    w.volume &&
    (await ensureVolume(docker, w.scope, w.volume.name, w.component, ctx.signal, adoption)) === "created"
  )
    log(`created volume ${w.volume.name}`);
  for (const v of w.serviceVolumes ?? []) {
    const done = await ensureVolume(docker, w.scope, v.name, w.component, ctx.signal, adoption, v.volume);
    log(
      `volume ${v.volume} of ${w.component} (${v.name}) ${done === "created" ? "created" : "kept, with its data"}`,
    );
  }
  const hash = configHash(w, imageId);
  const s = session.settings;
  const outcomes = await converge(w, hash, {
    docker,
    signal: ctx.signal,
    log,
    revision: ctx.revision,
    healthTimeoutMs: s.healthTimeoutMs,
    stopTimeoutSeconds: s.stopTimeoutSeconds,
    fetch: s.fetch,
    adopt: ctx.adopt === true,
  });
  for (const o of outcomes)
    if (o.change !== "kept") log(`${o.name}: ${o.change}, ready${o.endpoint ? ` at ${o.endpoint}` : ""}`);
  const problems = await verify(w, hash, imageId, { docker, signal: ctx.signal });
  if (problems.length > 0) throw mismatch(w.component, problems);
  const out = endpoints(w, outcomes);
  const where = Object.values(out);
  log(`verified ${summary(w, outcomes)}${where.length > 0 ? `, at ${where.join(", ")}` : ""}`);
  return { message: `verified ${summary(w, outcomes)}`, ...(where.length > 0 ? { outputs: out } : {}) };
}

/**
 * The service's workload. With no port in the spec, the image's own EXPOSE port is the service's port
 * (probed, and published when the service is public), and the log says so.
 */
async function resolvedServiceWorkload(
  session: Session,
  ctx: StepContext,
  name: string,
): Promise<Workload | undefined> {
  const host = session.settings.publishHost;
  const w = serviceWorkload(ctx, name, host);
  if (!w || w.port !== undefined) return w;
  const imageId = await session.image(w.image, { ...ctx, log: safeLog(ctx) });
  const port = await exposedPort(await session.docker(ctx.signal), imageId);
  if (port === undefined) return w;
  const exposed = serviceWorkload(ctx, name, host, port);
  const published = exposed?.publish ? `, published on ${host}` : "";
  ctx.log(
    `${name}: the spec names no port; image ${w.image} declares EXPOSE ${port}/tcp, so ${name} uses port ${port}${published} (set services[].port to choose)`,
  );
  return exposed;
}

export async function applyService(session: Session, ctx: StepContext, name: string): Promise<StepResult> {
  const w = await resolvedServiceWorkload(session, ctx, name);
  if (!w) {
    const message = `${name} is a cron service: docker has no scheduler, so nothing runs it here (run its image from the host's cron)`;
    ctx.log(message);
    return { message };
  }
  return session.exclusive(name, () => applyWorkload(session, ctx, w));
}

export async function applyData(session: Session, ctx: StepContext, name: string): Promise<StepResult> {
  return session.exclusive(name, async () =>
    applyWorkload(session, ctx, await withExistingVolume(session, ctx, name)),
  );
}

/** The data workload on the volume labelled for the component, when one exists under another name. */
async function withExistingVolume(session: Session, ctx: StepContext, name: string): Promise<Workload> {
  const w = dataWorkload(ctx, name);
  if (!w.volume) return w;
  const found = await existingVolume(await session.docker(ctx.signal), w.scope, name, w.volume.name);
  if (found === undefined || found === w.volume.name) return w;
  ctx.log(`${name}: keeps using volume ${found}, made by an earlier version (found by its labels)`);
  return dataWorkload(ctx, name, found);
}

/** The object store (MinIO, as in compose), then a one-shot job that creates every bucket (idempotent). */
export async function applyBuckets(session: Session, ctx: StepContext): Promise<StepResult> {
  const store = objectStoreName(ctx.spec);
  return session.exclusive(store, async () => {
    const result = await applyWorkload(session, ctx, await withExistingVolume(session, ctx, store));
    await runJob(session, ctx, jobWorkload(ctx, `${store}-buckets`));
    const names = ctx.spec.buckets.map((b) => b.name).join(", ");
    return { message: `${result.message ?? store}; buckets ${names} exist` };
  });
}

async function runJob(session: Session, ctx: StepContext, w: Workload): Promise<void> {
  const docker = await session.docker(ctx.signal);
  const imageId = await session.image(w.image, { ...ctx, log: safeLog(ctx) });
  const name = containerName(w.scope, w.component, 0);
  const container = await startReplica(
    docker,
    w,
    { name, replica: 0, hash: configHash(w, imageId), revision: ctx.revision, adopt: ctx.adopt === true },
    ctx.signal,
  );
  try {
    const result: { StatusCode?: number } = await container.wait({ abortSignal: ctx.signal });
    if (result.StatusCode !== 0) {
      throw new ProviderError("DOCKER_JOB_FAILED", `${w.component} exited with code ${result.StatusCode}`, {
        hint: "the job creates the buckets in the object store: check that the store is reachable from the network",
      });
    }
  } finally {
    await removeContainer(docker, container.id, 0);
  }
}

/** Public endpoints are part of the containers on docker: this checks that each one answers over HTTP. */
export async function verifyIngress(session: Session, ctx: StepContext, name: string): Promise<StepResult> {
  const w = await resolvedServiceWorkload(session, ctx, name);
  const service = ctx.spec.services.find((s) => s.name === name);
  if (!w?.publish || !service) return { message: `${name} publishes no port: nothing to check` };
  const docker = await session.docker(ctx.signal);
  const list = (await listContainers(docker, scopeOf(ctx), ctx.signal, name)).filter((e) => e.running);
  const outputs: Record<string, string> = {};
  const path = service.healthCheck?.path ?? "/";
  const accept = service.healthCheck ? undefined : (status: number) => status < 500;
  for (const e of list) {
    const info = await docker.getContainer(e.id).inspect();
    const endpoint = endpointOf(info, w.port, w.publish.host);
    if (!endpoint) continue;
    const check = await httpAnswers(session.settings.fetch, `${endpoint}${path}`, ctx.signal, accept);
    if (!check.ok) {
      throw new ProviderError(
        "INGRESS_UNREACHABLE",
        `${name} does not answer at ${endpoint}${path}: ${check.problem}`,
        {
          hint: `see its output with \`codeploy logs ${ctx.app} --env ${ctx.environment} --service ${name}\``,
        },
      );
    }
    outputs[`endpoint.${name}.${e.replica}`] = endpoint;
  }
  if (service.domain)
    ctx.log(`${service.domain}: docker provides no DNS or TLS; ${name} is served at the endpoints below`);
  const where = Object.values(outputs);
  const message =
    where.length > 0 ? `${name} answers at ${where.join(", ")}` : `${name} has no running replica to check`;
  ctx.log(message);
  return { message, outputs };
}

/** A service's named volume, created (labelled with its owner) before the service mounts it; one that exists is kept. */
export async function applyVolume(session: Session, ctx: StepContext, step: PlanStep): Promise<StepResult> {
  const v = serviceVolumes(ctx.spec).find((x) => x.service === step.component && x.volume === step.volume);
  if (!v) {
    throw new ProviderError("DOCKER_UNKNOWN_COMPONENT", `the spec has no volume ${step.id}`, {
      hint: "the plan and the spec disagree: plan again from the same spec",
    });
  }
  const docker = await session.docker(ctx.signal);
  const name = dockerVolumeName(ctx.spec, v);
  const adoption = { adopt: ctx.adopt === true, log: safeLog(ctx) };
  const done = await ensureVolume(docker, scopeOf(ctx), name, v.service, ctx.signal, adoption, v.volume);
  const message = `volume ${v.volume} of ${v.service}: ${name} ${done === "created" ? "created" : "exists, its files kept"}`;
  ctx.log(message);
  return { message };
}
