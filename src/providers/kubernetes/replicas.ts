/**
 * Replicas of a Deployment that an HorizontalPodAutoscaler scales. The
 * rendered Deployment has no `replicas` (the HPA owns the count), but with
 * server-side apply, leaving out a field that field manager `codeploy` owned
 * until now removes it, and the Deployment falls back to 1 replica: a
 * scaled-out app would drop to one pod on the first apply that adds
 * autoscaling. The technique the Kubernetes documentation gives for handing a
 * field over ("Transferring ownership", server-side apply): a second manager
 * applies the field with its current value first, so the field is shared, and
 * codeploy's apply without it only drops codeploy's share; the value stays.
 *
 * A new Deployment is created at the autoscaler's minimum and handed over the
 * same way at once: afterwards codeploy owns every field of it but replicas,
 * and re-applies never touch the count the autoscaler (or a person) set.
 */
import type { StepContext } from "../../engine/provider.js";
import type { KubeObject } from "../../render/types.js";
import { FIELD_MANAGER, type KubeClient, type LiveObject } from "./client.js";
import { describeObject } from "./objects.js";

/** The field manager that holds an autoscaled Deployment's replicas for the HPA. */
export const REPLICAS_MANAGER = "codeploy-replicas";

const fields = (o: unknown): Record<string, unknown> =>
  typeof o === "object" && o !== null ? (o as Record<string, unknown>) : {};

/** A Deployment rendered without replicas: an autoscaler owns the count. */
export function isAutoscaled(o: KubeObject): boolean {
  return o.kind === "Deployment" && !("replicas" in fields(o.spec));
}

/** The minReplicas of the HPA among `objects` that scales Deployment `name`. */
export function autoscalerMinimum(objects: readonly KubeObject[], name: string): number | undefined {
  const hpa = objects.find(
    (o) => o.kind === "HorizontalPodAutoscaler" && fields(fields(o.spec).scaleTargetRef).name === name,
  );
  const min = fields(hpa?.spec).minReplicas;
  return typeof min === "number" ? min : undefined;
}

/** True when `manager`'s apply owns spec.replicas of the live object. */
export function ownsReplicas(live: LiveObject, manager: string): boolean {
  return (live.metadata.managedFields ?? []).some(
    (m) =>
      m.manager === manager &&
      m.operation === "Apply" &&
      fields(fields(m.fieldsV1)["f:spec"])["f:replicas"] !== undefined,
  );
}

/** Only what names the object: applied by the second manager, it claims no other field. */
function header(o: KubeObject): KubeObject {
  const { name, namespace } = o.metadata;
  return { apiVersion: o.apiVersion, kind: o.kind, metadata: { name, ...(namespace ? { namespace } : {}) } };
}

function withReplicas(o: KubeObject, replicas: number): KubeObject {
  return { ...o, spec: { ...fields(o.spec), replicas } };
}

/**
 * Applies an autoscaled Deployment without ever resetting its replica count.
 * `live` is the object as read before (undefined when it does not exist yet).
 */
export async function applyAutoscaled(
  o: KubeObject,
  live: LiveObject | undefined,
  minimum: number | undefined,
  client: KubeClient,
  ctx: StepContext,
): Promise<void> {
  let state = live;
  if (!state) {
    if (minimum === undefined) {
      await client.apply(o, ctx.signal);
      return;
    }
    // Created at the autoscaler's minimum (pods start at once, no scale-up from 1), then handed over below.
    state = await client.apply(withReplicas(o, minimum), ctx.signal);
  }
  const current = fields(state.spec).replicas;
  if (ownsReplicas(state, FIELD_MANAGER) && typeof current === "number") {
    // Shared first, then dropped by codeploy: the count stays what it is.
    await client.apply(withReplicas(header(o), current), ctx.signal, REPLICAS_MANAGER);
    ctx.log(`${describeObject(o)}: replicas (${current}) handed over to the autoscaler`);
  }
  await client.apply(o, ctx.signal);
}
