/**
 * The Kubernetes provider: the rendered manifests, step by step, into a
 * cluster through the official client (@kubernetes/client-node, imported on
 * first use). Server-side apply as field manager `codeploy` with force: CODE
 * owns the fields it renders, and a field someone changed by hand (kubectl
 * edit, scale) must not make every later deploy fail with a conflict; the
 * reviewed plan is what runs. Waits for rollouts up to a deadline, prunes what
 * a new revision no longer has, and the engine's rollback re-applies the
 * previous revision's manifests through the same calls.
 *
 * Kubeconfig: `kubeconfigPath`, else KUBECONFIG, else ~/.kube/config, else
 * in-cluster; `context` picks one of its contexts. One namespace per app and
 * environment (spec/naming.ts, as rendered) unless `namespace` overrides it. A
 * namespace an earlier version created (`<app>-<env>`) is found by its labels
 * (managed-by codeploy, part-of the app, the environment) and kept in use.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import type { ObserveContext, PlanStep, Provider, StepContext } from "../../engine/provider.js";
import { type Identity, namespaceName } from "../../spec/naming.js";
import { applyStep, isOurs, renderedObjects, type StepEnv } from "./apply.js";
import {
  applyChart,
  type ChartEnv,
  chartChanged,
  chartOfStep,
  describeChart,
  observeCharts,
  uninstallChart,
} from "./chart.js";
import { FIELD_MANAGER, type KubeClient } from "./client.js";
import { destroyStep } from "./destroy.js";
import { applyHelmStep, createHelm, createHelmRelease, destroyHelmStep, type HelmRun } from "./helm.js";
import { type ConnectOptions, connect } from "./kubeconfig.js";
import { appSelector, describeObject, namespaceOf, objectsForStep } from "./objects.js";
import { observeApp } from "./observe.js";
import { WAITED_KINDS } from "./rollout.js";

export { FIELD_MANAGER } from "./client.js";

export interface KubernetesProviderOptions extends ConnectOptions {
  /** A kubeconfig file (or a KUBECONFIG-style list). @default KUBECONFIG, else ~/.kube/config, else in-cluster */
  readonly kubeconfigPath?: string;
  /** @default the kubeconfig's current-context */
  readonly context?: string;
  /** Puts every object of the app in this namespace. @default `<app>-<environment>` as rendered */
  readonly namespace?: string;
  /** How long a step waits for its workloads; keep it below the engine's step timeout. @default 240_000 */
  readonly rolloutTimeoutMs?: number;
  /** @default 2_000 */
  readonly pollIntervalMs?: number;
  /** A loaded kubeconfig, for tests and embedding. */
  readonly kubeConfig?: KubeConfig;
  /** @default Date.now */
  readonly clock?: () => number;
  /** `apply`: server-side apply step by step; `helm`: one Helm release per app and environment (helm.ts). @default "apply" */
  readonly mode?: "apply" | "helm";
  /** helm mode and chart services: the helm binary (@default $CODEPLOY_HELM, else `helm`), or how to run it (tests). */
  readonly helm?: { readonly binary?: string; readonly run?: HelmRun };
  /**
   * The folder a service's `chart.path` is relative to: the CLI passes the spec file's folder.
   * @default none: a local chart is refused (CHART_PATH), a repository's chart still installs
   */
  readonly chartRoot?: string;
}

/** What a step will do, in words, without calling the cluster. */
function describeStep(step: PlanStep, ctx: StepContext, namespace: string | undefined): string[] {
  const objects = renderedObjects(ctx, namespace);
  if (step.action === "delete") {
    const ns = namespaceOf(objects, namespace);
    return step.kind === "network"
      ? [`delete Namespace ${ns} when codeploy created it, else the app's objects in it`]
      : [
          `delete the objects labelled ${step.component ?? step.kind} in ${ns} (a missing object counts as deleted)`,
        ];
  }
  const selected = objectsForStep(step, ctx.spec, objects);
  const lines = selected.objects.map(
    (o) => `server-side apply ${describeObject(o)} (field manager ${FIELD_MANAGER})`,
  );
  for (const o of selected.objects.filter((x) => WAITED_KINDS.has(x.kind)))
    lines.push(`wait until ${describeObject(o)} is ${o.kind === "Job" ? "complete" : "ready"}`);
  if (step.kind === "network" && namespace)
    lines.push(
      `in namespace ${namespace}, if codeploy did not create it: narrow policies that select every pod to this app's pods`,
    );
  if (selected.pruneKinds.length > 0)
    lines.push(
      `prune ${selected.pruneKinds.map((k) => k.kind).join("/")} of ${selected.components.join(", ")} that the spec no longer has`,
    );
  return lines;
}

/**
 * The namespace an earlier version made for the app + environment (`<app>-<env>`,
 * before names carried a hash), when it exists: found by the labels it carries,
 * which name the pair exactly. Undefined when there is none or when the current
 * name already exists.
 */
async function legacyNamespace(
  client: KubeClient,
  id: Identity,
  signal: AbortSignal,
): Promise<string | undefined> {
  const labelled = await client.list(
    "v1",
    "Namespace",
    undefined,
    appSelector(id.app, id.environment),
    signal,
  );
  const names = labelled.filter((n) => isOurs(n, id)).map((n) => n.metadata.name);
  if (names.includes(namespaceName(id))) return undefined;
  const old = `${id.app}-${id.environment}`;
  return names.includes(old) ? old : undefined;
}

export function createKubernetesProvider(options: KubernetesProviderOptions = {}): Provider {
  let client: Promise<KubeClient> | undefined;
  const clientOf = (): Promise<KubeClient> => {
    client ??= connect(options);
    return client;
  };
  const legacy = new Map<string, Promise<string | undefined>>();
  const namespaceFor = (client: KubeClient, id: Identity, signal: AbortSignal) => {
    const key = JSON.stringify([id.app, id.environment]);
    let found = legacy.get(key);
    if (!found) {
      found = legacyNamespace(client, id, signal);
      legacy.set(key, found);
      found.catch(() => legacy.delete(key));
    }
    return found;
  };
  const env = async (ctx: StepContext): Promise<StepEnv> => {
    const client = await clientOf();
    const old = options.namespace ? undefined : await namespaceFor(client, ctx, ctx.signal);
    const namespace = options.namespace ?? old;
    return {
      client,
      ...(namespace ? { namespace, namespaceKind: old ? "legacy" : "configured" } : {}),
      rolloutTimeoutMs: options.rolloutTimeoutMs ?? 240_000,
      pollIntervalMs: options.pollIntervalMs ?? 2_000,
      now: options.clock ?? Date.now,
    };
  };
  const helmCli = createHelm({
    ...options.helm,
    ...(options.kubeconfigPath ? { kubeconfigPath: options.kubeconfigPath } : {}),
    ...(options.context ? { context: options.context } : {}),
    timeoutMs: options.rolloutTimeoutMs ?? 240_000,
  });
  const helm = options.mode === "helm" ? createHelmRelease(helmCli) : undefined;
  const chartEnv = (ctx: StepContext, e: StepEnv): ChartEnv => ({
    helm: helmCli,
    client: e.client,
    chartRoot: options.chartRoot,
    namespace: namespaceOf(renderedObjects(ctx, e.namespace, e.namespaceKind), e.namespace),
  });
  const applyOne = (step: PlanStep, ctx: StepContext, e: StepEnv) =>
    helm ? applyHelmStep(step, ctx, e, helm) : applyStep(step, ctx, e);
  const destroyOne = (step: PlanStep, ctx: StepContext, e: StepEnv) =>
    helm ? destroyHelmStep(step, ctx, e, helm) : destroyStep(step, ctx, e);
  return {
    name: "kubernetes",
    async preflight(signal) {
      await (await clientOf()).version(signal);
    },
    async plan(step, ctx) {
      const chart = chartOfStep(step, ctx);
      if (!chart) return describeStep(step, ctx, options.namespace);
      const ns = namespaceOf(renderedObjects(ctx, options.namespace), options.namespace);
      return describeChart(step, ctx, chart, ns);
    },
    async apply(step, ctx) {
      const e = await env(ctx);
      const chart = chartOfStep(step, ctx);
      const changed = chartChanged(step, ctx);
      if (!chart) {
        // The service ran from a chart before: its release goes, then CODE's own objects come.
        if (changed === "from-chart")
          ctx.log((await uninstallChart(step, ctx, chartEnv(ctx, e))).message ?? "");
        return applyOne(step, ctx, e);
      }
      // The service ran CODE's own objects before: they go (by its component label), then the chart comes.
      if (changed === "to-chart") ctx.log((await destroyStep(step, ctx, e)).message ?? "");
      return applyChart(step, ctx, chartEnv(ctx, e), chart);
    },
    async destroy(step, ctx) {
      const e = await env(ctx);
      return chartOfStep(step, ctx) ? uninstallChart(step, ctx, chartEnv(ctx, e)) : destroyOne(step, ctx, e);
    },
    async observe(ctx: ObserveContext) {
      const client = await clientOf();
      const namespace =
        options.namespace ?? (await namespaceFor(client, ctx, ctx.signal)) ?? namespaceName(ctx);
      const charts = ctx.spec ? await observeCharts(helmCli, ctx.spec, namespace, ctx.signal) : [];
      return [...(await observeApp(client, namespace, ctx)), ...charts];
    },
    async detectDrift(ctx) {
      const e = await env({ ...ctx, log: () => {} });
      const objects = renderedObjects({ ...ctx, log: () => {} }, e.namespace, e.namespaceKind);
      const { kubeDrift } = await import("./drift.js");
      // Only the read half of the client is handed over: drift cannot change the cluster.
      const reader = { read: e.client.read.bind(e.client), list: e.client.list.bind(e.client) };
      return kubeDrift(reader, objects, ctx, ctx.signal);
    },
    drift: (_spec, observed) =>
      observed
        .filter((w) => w.status === "degraded" || w.status === "missing")
        .map((w) => `${w.kind} ${w.name} is ${w.status}`),
  };
}
