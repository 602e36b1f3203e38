/**
 * A service that names a Helm chart (`services[].chart`): its own release,
 * named by spec/naming.ts (`chartReleaseName`), in the app's namespace.
 *
 * - apply: `helm upgrade --install --atomic --wait` with the spec's values (a
 *   values file), the Helm revision described as `codeploy <app>/<env>
 *   revision <n>, chart <digest>`. A release that carries no codeploy labels of
 *   this app, environment and service is someone else's: refused with
 *   OWNERSHIP_CONFLICT unless the person adopts it.
 * - the same codeploy revision again (a retry, or `codeploy rollback` to it):
 *   when Helm's history still holds the revision it made, that revision is
 *   what runs (nothing to do) or comes back with `helm rollback`, which
 *   restores the very chart and values it ran with, even when the local chart
 *   folder has changed since; otherwise the chart is installed again.
 * - destroy: `helm uninstall --wait` (a release already gone is a success; one
 *   that is not this app's is left alone and said so).
 *
 * A local chart's path is relative to `chartRoot` (the spec file's folder);
 * the schema already refused `..` and absolute paths, and here the folder,
 * symlinks followed, must still lie inside the root.
 */
import { createHash } from "node:crypto";
import { mkdtemp, realpath, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import type { PlanStep } from "../../engine/provider.js";
import {
  type FoundOwner,
  OwnershipConflictError,
  ProviderError,
  type StepContext,
  type StepResult,
} from "../../engine/provider.js";
import type { ChartRef } from "../../spec/chart.js";
import { chartReleaseName } from "../../spec/naming.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import type { KubeClient } from "./client.js";
import { type Helm, helmFailure, isReleaseNotFound } from "./helm.js";

const LABEL_KEYS = {
  managedBy: "app.kubernetes.io/managed-by",
  partOf: "app.kubernetes.io/part-of",
  environment: "codeploy.dev/environment",
  service: "codeploy.dev/service",
} as const;

/** The chart a step's service names in this spec, else in the spec before it (a removal). */
export function chartOfStep(step: PlanStep, ctx: StepContext): ChartRef | undefined {
  if (step.kind !== "service" || step.component === undefined) return undefined;
  const find = (spec: DeploymentSpec | undefined) => spec?.services.find((s) => s.name === step.component);
  const now = find(ctx.spec);
  return step.action === "delete" ? (find(ctx.previous)?.chart ?? now?.chart) : now?.chart;
}

/** Whether the service ran from a chart before this deployment and no longer does (or the other way round). */
export function chartChanged(step: PlanStep, ctx: StepContext): "to-chart" | "from-chart" | undefined {
  const before = ctx.previous?.services.find((s) => s.name === step.component);
  const now = ctx.spec.services.find((s) => s.name === step.component);
  if (!before || !now || step.kind !== "service") return undefined;
  if (before.chart === undefined && now.chart !== undefined) return "to-chart";
  if (before.chart !== undefined && now.chart === undefined) return "from-chart";
  return undefined;
}

/** `./charts/web` as given, or `name --repo URL --version V`, for messages and plans. */
export function chartSource(chart: ChartRef): string {
  return chart.path !== undefined
    ? `local chart ${chart.path}`
    : `chart ${chart.name} ${chart.version ?? "(newest version: unpinned)"} from ${chart.repo}`;
}

/** A digest of the chart reference and values: a Helm revision described with it was made from them. */
function refDigest(chart: ChartRef): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : typeof v === "object" && v !== null
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash("sha256")
    .update(JSON.stringify(canonical(chart)))
    .digest("hex")
    .slice(0, 16);
}

export function revisionTag(ctx: StepContext, chart: ChartRef): string {
  return `codeploy ${ctx.app}/${ctx.environment} revision ${ctx.revision}, chart ${refDigest(chart)}`;
}

/** The local chart's folder on disk, inside the root (symlinks followed), holding a Chart.yaml. */
export async function localChartDir(root: string | undefined, path: string): Promise<string> {
  if (root === undefined)
    throw new ProviderError("CHART_PATH", `the local chart ${path} has no folder to be found in`, {
      hint: "the CLI looks for it beside the spec file given on the command line; for the server (or a spec from stdin) set providers.kubernetes.chartRoot in codeploy.yaml",
    });
  const realRoot = await realpath(root);
  const wanted = resolve(realRoot, path);
  const real = await realpath(wanted).catch(() => {
    throw new ProviderError("CHART_PATH", `no local chart at ${path} (looked for ${wanted})`, {
      hint: "chart.path is relative to the spec file's folder: a folder holding Chart.yaml",
    });
  });
  const inside = relative(realRoot, real);
  if (inside.startsWith(`..${sep}`) || inside === ".." || resolve(realRoot, inside) !== real)
    throw new ProviderError(
      "CHART_PATH",
      `the local chart ${path} leads outside the spec's folder (${real}, through a symbolic link)`,
      { hint: "put the chart itself beside the spec file, not a link to another place" },
    );
  const chartFile = await stat(join(real, "Chart.yaml")).catch(() => undefined);
  if (!chartFile?.isFile())
    throw new ProviderError("CHART_PATH", `${path} is not a Helm chart: it has no Chart.yaml`, {
      hint: "point chart.path at the chart's folder (the one holding Chart.yaml)",
    });
  return real;
}

interface HistoryEntry {
  readonly revision: number;
  readonly status: string;
  readonly description: string;
}

export interface ChartEnv {
  readonly helm: Helm;
  /** Reads Helm's storage records, for the release's owner labels. */
  readonly client: KubeClient;
  /** The folder local chart paths are relative to; undefined: local charts are refused. */
  readonly chartRoot: string | undefined;
  readonly namespace: string;
}

async function history(helm: Helm, release: string, ns: string, signal: AbortSignal) {
  try {
    const out = await helm.run(["history", release, "--namespace", ns, "--max", "50", "-o", "json"], signal);
    return JSON.parse(out) as HistoryEntry[];
  } catch (error) {
    if (isReleaseNotFound(error)) return [];
    throw helmFailure("history", error, release, ns, "nothing was changed");
  }
}

/**
 * The release's owner labels (`helm upgrade --labels`), or undefined when there is no such release.
 * Helm shows them nowhere but on its storage records (Secrets labelled owner=helm, name=<release>),
 * so they are read there; a release that exists with no such record (another storage driver) has none.
 */
async function ownerOf(env: ChartEnv, release: string, signal: AbortSignal) {
  const { helm, namespace } = env;
  let listed: unknown[];
  try {
    const args = ["list", "--namespace", namespace, "--all", "--filter", `^${release}$`, "-o", "json"];
    listed = JSON.parse(await helm.run(args, signal)) as unknown[];
  } catch (error) {
    throw helmFailure("list", error, release, namespace, "nothing was changed");
  }
  if (listed.length === 0) return undefined;
  const records = await env.client.list("v1", "Secret", namespace, `owner=helm,name=${release}`, signal);
  const latest = records
    .map((r) => ({ labels: r.metadata.labels ?? {}, version: Number(r.metadata.labels?.version ?? 0) }))
    .sort((a, b) => b.version - a.version)[0];
  const {
    name: _n,
    owner: _o,
    status: _s,
    version: _v,
    modifiedAt: _m,
    createdAt: _c,
    ...labels
  } = latest?.labels ?? {};
  return labels as Record<string, string>;
}

function isOurRelease(labels: Record<string, string>, ctx: StepContext, service: string): boolean {
  return (
    labels[LABEL_KEYS.managedBy] === "codeploy" &&
    labels[LABEL_KEYS.partOf] === ctx.app &&
    labels[LABEL_KEYS.environment] === ctx.environment &&
    labels[LABEL_KEYS.service] === service
  );
}

const ownerFound = (labels: Record<string, string>): FoundOwner =>
  labels[LABEL_KEYS.managedBy] === "codeploy"
    ? { app: labels[LABEL_KEYS.partOf], environment: labels[LABEL_KEYS.environment] }
    : {};

async function upgrade(
  ctx: StepContext,
  env: ChartEnv,
  service: string,
  chart: ChartRef,
  release: string,
): Promise<StepResult> {
  const { helm, namespace } = env;
  const source =
    chart.path !== undefined
      ? [await localChartDir(env.chartRoot, chart.path)]
      : [
          chart.name ?? "",
          "--repo",
          chart.repo ?? "",
          ...(chart.version ? ["--version", chart.version] : []),
        ];
  const dir = await mkdtemp(join(tmpdir(), "codeploy-values-"));
  try {
    const valuesFile = join(dir, "values.json");
    await writeFile(valuesFile, JSON.stringify(chart.values), { mode: 0o600 });
    const labels = [
      `${LABEL_KEYS.managedBy}=codeploy`,
      `${LABEL_KEYS.partOf}=${ctx.app}`,
      `${LABEL_KEYS.environment}=${ctx.environment}`,
      `${LABEL_KEYS.service}=${service}`,
    ].join(",");
    const args = ["upgrade", "--install", release, ...source, "--namespace", namespace, "--atomic", "--wait"];
    args.push("--wait-for-jobs", "--timeout", `${helm.timeoutSeconds}s`, "--reset-values", "-f", valuesFile);
    args.push(
      "--history-max",
      "20",
      "--labels",
      labels,
      "--description",
      revisionTag(ctx, chart),
      "-o",
      "json",
    );
    ctx.log(
      `helm upgrade --install ${release} (${chartSource(chart)}, namespace ${namespace}, --atomic, waits up to ${helm.timeoutSeconds}s)`,
    );
    const out = await helm.run(args, ctx.signal).catch((error: unknown) => {
      throw helmFailure("upgrade", error, release, namespace);
    });
    const version = (JSON.parse(out) as { version?: number }).version;
    return {
      message: `helm release ${release} (${chartSource(chart)}) revision ${version ?? "?"} deployed`,
      outputs: { namespace, release, helmRevision: String(version ?? "") },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Installs or upgrades the service's chart, or brings back the Helm revision this codeploy revision made. */
export async function applyChart(
  step: PlanStep,
  ctx: StepContext,
  env: ChartEnv,
  chart: ChartRef,
): Promise<StepResult> {
  const service = step.component ?? "";
  const release = chartReleaseName(ctx, service);
  const { helm, namespace } = env;
  const labels = await ownerOf(env, release, ctx.signal);
  if (labels && !isOurRelease(labels, ctx, service)) {
    const what = `Helm release ${release} in namespace ${namespace}`;
    if (!ctx.adopt) throw new OwnershipConflictError(what, ownerFound(labels), ctx);
    ctx.log(`${what}: adopted on request (it carried another owner's labels or none)`);
  }
  const entries = labels ? await history(helm, release, namespace, ctx.signal) : [];
  const tag = revisionTag(ctx, chart);
  const made = entries.filter((e) => e.description === tag && ["deployed", "superseded"].includes(e.status));
  const mine = made.at(-1);
  const current = entries.filter((e) => e.status === "deployed").at(-1);
  const outputs = (revision: number) => ({ namespace, release, helmRevision: String(revision) });
  if (mine && current && (current === mine || current.description === `Rollback to ${mine.revision}`))
    return {
      message: `helm release ${release} already runs what codeploy revision ${ctx.revision} installed (helm revision ${current.revision})`,
      outputs: outputs(current.revision),
    };
  if (mine) {
    ctx.log(
      `helm rollback ${release} ${mine.revision}: the chart and values codeploy revision ${ctx.revision} ran`,
    );
    const args = ["rollback", release, String(mine.revision), "--namespace", namespace, "--wait"];
    args.push("--wait-for-jobs", "--cleanup-on-fail", "--timeout", `${helm.timeoutSeconds}s`);
    await helm.run(args, ctx.signal).catch((error: unknown) => {
      throw helmFailure("rollback", error, release, namespace, "the release may be in a failed state");
    });
    const now = entries.length > 0 ? Math.max(...entries.map((e) => e.revision)) + 1 : mine.revision;
    return {
      message: `helm release ${release} rolled back to helm revision ${mine.revision} (codeploy revision ${ctx.revision}'s chart and values), now helm revision ${now}`,
      outputs: outputs(now),
    };
  }
  return upgrade(ctx, env, service, chart, release);
}

/** `helm uninstall --wait`; gone already is a success, someone else's release is left alone. */
export async function uninstallChart(step: PlanStep, ctx: StepContext, env: ChartEnv): Promise<StepResult> {
  const service = step.component ?? "";
  const release = chartReleaseName(ctx, service);
  const { helm, namespace } = env;
  const labels = await ownerOf(env, release, ctx.signal);
  if (!labels) return { message: `helm release ${release} was already gone` };
  if (!isOurRelease(labels, ctx, service))
    return { message: `helm release ${release} in ${namespace} is not this app's: left as it is` };
  const args = [
    "uninstall",
    release,
    "--namespace",
    namespace,
    "--wait",
    "--timeout",
    `${helm.timeoutSeconds}s`,
  ];
  await helm.run(args, ctx.signal).catch((error: unknown) => {
    if (!isReleaseNotFound(error))
      throw helmFailure("uninstall", error, release, namespace, "nothing was removed");
  });
  return { message: `helm release ${release} uninstalled` };
}

/** What a chart step will do, in words, without calling helm. */
export function describeChart(
  step: PlanStep,
  ctx: StepContext,
  chart: ChartRef,
  namespace: string,
): string[] {
  const release = chartReleaseName(ctx, step.component ?? "");
  if (step.action === "delete") return [`helm uninstall ${release} in ${namespace} (${chartSource(chart)})`];
  const lines = [
    `helm upgrade --install ${release} in ${namespace} from the ${chartSource(chart)} with ${Object.keys(chart.values).length} top-level value(s) (--atomic: a failed upgrade goes back to the last good revision)`,
  ];
  if (chart.repo !== undefined && chart.version === undefined)
    lines.push(
      `chart ${chart.name} has no version: the newest one in ${chart.repo} is installed (pin chart.version)`,
    );
  return lines;
}

/** Each chart release's status (`helm status`): deployed is running, failed or pending is degraded, none is missing. */
export async function observeCharts(
  helm: Helm,
  spec: DeploymentSpec,
  namespace: string,
  signal: AbortSignal,
): Promise<
  {
    kind: string;
    name: string;
    status: "running" | "degraded" | "missing";
    details: Record<string, unknown>;
  }[]
> {
  const found = [];
  for (const s of spec.services) {
    if (s.chart === undefined) continue;
    const release = chartReleaseName({ app: spec.name, environment: spec.environment }, s.name);
    const base = { kind: "HelmRelease", name: s.name };
    try {
      const out = await helm.run(["status", release, "--namespace", namespace, "-o", "json"], signal);
      const status = JSON.parse(out) as { version?: number; info?: { status?: string }; chart?: unknown };
      const state = status.info?.status ?? "unknown";
      found.push({
        ...base,
        status: state === "deployed" ? ("running" as const) : ("degraded" as const),
        details: { component: s.name, release, helmStatus: state, helmRevision: status.version },
      });
    } catch (error) {
      if (!isReleaseNotFound(error))
        throw helmFailure("status", error, release, namespace, "nothing was changed");
      found.push({ ...base, status: "missing" as const, details: { component: s.name, release } });
    }
  }
  return found;
}
