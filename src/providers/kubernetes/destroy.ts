/**
 * Removal steps (`remove-service:web`, `remove-network`...): delete the
 * step's objects by label, so that objects of older revisions go too; an
 * object already gone is a success. Volume claims of data services are kept
 * (Kubernetes keeps them when a StatefulSet goes) and the log says how to
 * free them. The Namespace goes last and only when codeploy made it.
 */
import type { PlanStep, StepContext, StepResult } from "../../engine/provider.js";
import { objectStoreName } from "../../render/data-services.js";
import { bucketJobName } from "../../render/kubernetes/data-services.js";
import { claimName } from "../../render/volumes.js";
import { isOurs, renderedObjects, type StepEnv, waitGone } from "./apply.js";
import { removeMonitoring } from "./monitoring.js";
import {
  ALL_KINDS,
  appSelector,
  componentSelector,
  DATA_KINDS,
  describeRef,
  INGRESS_KINDS,
  isTeardown,
  type KindRef,
  LABELS,
  namespaceOf,
  SERVICE_KINDS,
  STORE_KINDS,
} from "./objects.js";

async function removeListed(
  kinds: readonly KindRef[],
  namespace: string,
  selector: string,
  ctx: StepContext,
  env: StepEnv,
): Promise<string[]> {
  const removed: string[] = [];
  for (const kind of kinds) {
    for (const item of await env.client.list(kind.apiVersion, kind.kind, namespace, selector, ctx.signal)) {
      const ref = { ...kind, name: item.metadata.name, namespace };
      if (await env.client.remove(ref, ctx.signal)) {
        ctx.log(`deleted ${describeRef(ref)}`);
        removed.push(describeRef(ref));
      }
    }
  }
  return removed;
}

function result(removed: readonly string[], note?: string): StepResult {
  const head = removed.length > 0 ? `deleted ${removed.join(", ")}` : "nothing left to delete";
  return { message: note ? `${head}; ${note}` : head };
}

/** Deletes the Namespace when codeploy made it, else only the app's objects in it. */
export async function removeNetwork(namespace: string, ctx: StepContext, env: StepEnv): Promise<StepResult> {
  const ref = { apiVersion: "v1", kind: "Namespace", name: namespace };
  const live = await env.client.read(ref, ctx.signal);
  if (!live) return result([], `${describeRef(ref)} was already gone`);
  if (!isOurs(live, ctx)) {
    const removed = await removeListed(ALL_KINDS, namespace, appSelector(ctx.app, ctx.environment), ctx, env);
    return result(removed, `${describeRef(ref)} is not managed by codeploy: kept`);
  }
  if (!live.metadata.deletionTimestamp) await env.client.remove(ref, ctx.signal);
  ctx.log(`${describeRef(ref)} is terminating`);
  await waitGone(env.client, ref, ctx, env);
  return result([describeRef(ref)]);
}

function storeComponents(ctx: StepContext): string[] {
  const store = objectStoreName(ctx.previous ?? ctx.spec);
  return [store, bucketJobName(store)];
}

export async function destroyStep(step: PlanStep, ctx: StepContext, env: StepEnv): Promise<StepResult> {
  const namespace = namespaceOf(renderedObjects(ctx, env.namespace, env.namespaceKind), env.namespace);
  const { app, environment } = ctx;
  const name = step.component ?? "";
  switch (step.kind) {
    case "network":
      return removeNetwork(namespace, ctx, env);
    case "secrets":
      return result(
        await removeListed(
          [{ apiVersion: "v1", kind: "Secret" }],
          namespace,
          appSelector(app, environment),
          ctx,
          env,
        ),
      );
    case "monitoring":
      return result(await removeMonitoring(namespace, ctx, env));
    case "volume": {
      const claim = claimName({ service: name, volume: step.volume ?? "" });
      return result(
        [],
        `claim ${claim} is kept with its files (the namespace's deletion on destroy takes it when codeploy made the namespace); \`kubectl delete pvc -n ${namespace} ${claim}\` frees it`,
      );
    }
    case "ingress":
      return result(
        await removeListed(INGRESS_KINDS, namespace, componentSelector(app, environment, [name]), ctx, env),
      );
    case "bucket": {
      if (!isTeardown(step, ctx.spec) && ctx.spec.buckets.length > 0) {
        return result(
          [],
          `the object store stays for the other buckets; bucket ${name} and its data are kept in MinIO (remove them with \`mc rb\`)`,
        );
      }
      return result(
        await removeListed(
          STORE_KINDS,
          namespace,
          componentSelector(app, environment, storeComponents(ctx)),
          ctx,
          env,
        ),
      );
    }
    case "service":
      return result(
        await removeListed(
          [...INGRESS_KINDS, ...SERVICE_KINDS],
          namespace,
          componentSelector(app, environment, [name]),
          ctx,
          env,
        ),
      );
    default: {
      const removed = await removeListed(
        DATA_KINDS,
        namespace,
        componentSelector(app, environment, [name]),
        ctx,
        env,
      );
      const claims = `volume claims of ${name} are kept: \`kubectl delete pvc -n ${namespace} -l ${LABELS.name}=${name}\` frees their storage`;
      if (removed.length > 0) ctx.log(claims);
      return result(removed, removed.length > 0 ? claims : undefined);
    }
  }
}
