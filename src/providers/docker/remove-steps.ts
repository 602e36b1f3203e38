/** The steps that remove: a component's containers (and its volume when purging), the network at the end. */
import type { PlanStep, StepContext, StepResult } from "../../engine/provider.js";
import { objectStoreName } from "../../render/data-services.js";
import { dockerVolumeName, serviceVolumes } from "../../render/volumes.js";
import { listContainers, removeContainer } from "./containers.js";
import { listVolumes, removeNetworks, removeVolume } from "./infra.js";
import { volumeName } from "./names.js";
import type { Session } from "./session.js";
import { scopeOf } from "./workload.js";

async function removeAllOf(session: Session, ctx: StepContext, component?: string): Promise<number> {
  const docker = await session.docker(ctx.signal);
  const list = await listContainers(docker, scopeOf(ctx), ctx.signal, component);
  // Replicas stop together: each has its own grace period, and nothing waits on the order.
  await Promise.all(list.map((e) => removeContainer(docker, e.id, session.settings.stopTimeoutSeconds)));
  return list.length;
}

export async function removeComponent(
  session: Session,
  ctx: StepContext,
  name: string,
  data: boolean,
): Promise<StepResult> {
  const removed = await removeAllOf(session, ctx, name);
  const parts = [`${name}: removed ${removed} container(s)`];
  if (data) {
    const docker = await session.docker(ctx.signal);
    const scope = scopeOf(ctx);
    // By labels: also the volume an earlier version named differently.
    const labelled = await listVolumes(docker, scope, name);
    const volume = labelled[0] ?? volumeName(scope, name);
    if (session.settings.purgeData) {
      for (const v of labelled) if (await removeVolume(docker, v, scope)) parts.push(`removed volume ${v}`);
    } else parts.push(`kept volume ${volume} (its data stays; --purge-data removes it)`);
  }
  const message = parts.join("; ");
  ctx.log(message);
  return { message };
}

/**
 * The object store goes with the last bucket; until then it keeps serving the
 * others. A removed bucket still in `ctx.spec` means the whole spec is going
 * (destroy, or undoing a failed first deployment).
 */
export async function removeBucket(session: Session, ctx: StepContext, name: string): Promise<StepResult> {
  const everything = ctx.spec.buckets.some((b) => b.name === name);
  if (!everything && ctx.spec.buckets.length > 0) {
    const message = `bucket ${name}: left in the object store, which other buckets still use; its objects stay`;
    ctx.log(message);
    return { message };
  }
  const store = objectStoreName(ctx.previous ?? ctx.spec);
  return session.exclusive(store, async () => {
    await removeAllOf(session, ctx, `${store}-buckets`);
    return removeComponent(session, ctx, store, true);
  });
}

/** Last step of a destroy: whatever is still labelled with the app + environment, then the network. */
export async function removeEverything(session: Session, ctx: StepContext): Promise<StepResult> {
  const docker = await session.docker(ctx.signal);
  const scope = scopeOf(ctx);
  const left = await removeAllOf(session, ctx);
  const parts = left > 0 ? [`removed ${left} remaining container(s)`] : [];
  for (const n of await removeNetworks(docker, scope)) parts.push(`removed network ${n}`);
  const volumes = await listVolumes(docker, scope);
  if (session.settings.purgeData) {
    for (const v of volumes) await removeVolume(docker, v, scope);
    if (volumes.length > 0) parts.push(`removed volume(s) ${volumes.join(", ")}`);
  } else if (volumes.length > 0)
    parts.push(`kept volume(s) ${volumes.join(", ")} (--purge-data removes them)`);
  const message = parts.join("; ") || "nothing left to remove";
  ctx.log(message);
  return { message };
}

/**
 * A volume leaving the spec keeps its files: only destroy with --purge-data
 * removes volumes (in its last step, with everything else labelled for the app).
 */
export function keepVolume(session: Session, ctx: StepContext, step: PlanStep): StepResult {
  const destroying = serviceVolumes(ctx.spec).some(
    (v) => v.service === step.component && v.volume === step.volume,
  );
  const name = dockerVolumeName(ctx.previous ?? ctx.spec, {
    service: step.component ?? "",
    volume: step.volume ?? "",
  });
  const message =
    destroying && session.settings.purgeData
      ? `volume ${name}: removed with the app's other volumes at the end (--purge-data)`
      : `volume ${name}: kept with its files (${destroying ? "destroy --purge-data removes it" : "only destroy --purge-data removes it"})`;
  ctx.log(message);
  return { message };
}
