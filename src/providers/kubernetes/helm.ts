/**
 * Helm mode (`providers.kubernetes.mode: helm`): the app is one Helm release,
 * named by spec/naming.ts (`<app>-<env>-<hash>`), made of the chart of the rendered objects (render/helm), and
 * installed with `helm upgrade --install --atomic --wait`: Helm applies,
 * waits for the workloads, removes what the new chart dropped, and rolls a
 * failed upgrade back to its last good revision by itself. `helm history`
 * lists one revision per codeploy deployment; codeploy's own rollback
 * upgrades to the previous revision's chart (a new Helm revision with the old
 * content, as `helm rollback` makes).
 *
 * The plan's steps stay as they are: the first step of a deployment that
 * changes anything upgrades the release, the others wait for that one
 * upgrade. The Namespace is applied first (network step) with its Pod
 * Security labels, since Helm keeps its release record inside it.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { PlanStep } from "../../engine/provider.js";
import { ProviderError, type StepContext, type StepResult } from "../../engine/provider.js";
import { chartOf } from "../../render/helm/index.js";
import type { KubeObject } from "../../render/types.js";
import { appReleaseName } from "../../spec/naming.js";
import { applyNamespace, isOurs, renderedObjects, type StepEnv } from "./apply.js";
import { refOf } from "./client.js";
import { removeNetwork } from "./destroy.js";
import { namespaceOf, scopedToApp } from "./objects.js";

/** Runs helm with these arguments; resolves with stdout, rejects with an Error carrying stderr. */
export type HelmRun = (args: readonly string[], signal: AbortSignal) => Promise<string>;

export interface HelmSettings {
  /** @default $CODEPLOY_HELM, else `helm` on the PATH */
  readonly binary?: string;
  readonly kubeconfigPath?: string;
  readonly context?: string;
  readonly timeoutMs: number;
  /** For tests: how helm is run. */
  readonly run?: HelmRun;
}

function execHelm(binary: string): HelmRun {
  return (args, signal) =>
    new Promise((resolve, reject) => {
      execFile(binary, [...args], { signal, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const e = error as NodeJS.ErrnoException;
        if (e.code === "ENOENT")
          return reject(
            new ProviderError("HELM_NOT_FOUND", `helm not found (${binary})`, {
              hint: "install helm 3 (scripts/kube-build.sh --helm builds it), or set CODEPLOY_HELM to its path",
            }),
          );
        reject(Object.assign(new Error(stderr.trim() || error.message), { stderr }));
      });
    });
}

/** helm against the provider's cluster (kubeconfig and context appended), shared by helm mode and chart services. */
export interface Helm {
  run(args: readonly string[], signal: AbortSignal): Promise<string>;
  /** --timeout in whole seconds, from the provider's rollout deadline. */
  readonly timeoutSeconds: number;
}

export function createHelm(settings: HelmSettings): Helm {
  let run: HelmRun | undefined = settings.run;
  const common = [
    ...(settings.kubeconfigPath ? ["--kubeconfig", settings.kubeconfigPath] : []),
    ...(settings.context ? ["--kube-context", settings.context] : []),
  ];
  return {
    run(args, signal) {
      // Looked up on first use: a provider without Helm work never needs the binary.
      run ??= execHelm(settings.binary ?? process.env.CODEPLOY_HELM ?? "helm");
      return run([...args, ...common], signal);
    },
    timeoutSeconds: Math.max(1, Math.ceil(settings.timeoutMs / 1000)),
  };
}

/** A failed helm call as a ProviderError naming the release, with where to look. */
export function helmFailure(
  what: string,
  error: unknown,
  release: string,
  namespace: string,
  after = "--atomic has put back the last good revision",
): ProviderError {
  if (error instanceof ProviderError) return error;
  const said = (error as Error).message.split("\n").slice(-6).join("\n");
  return new ProviderError(
    "HELM_FAILED",
    `helm ${what} of release ${release} in ${namespace} failed: ${said}`,
    {
      hint: `see \`helm history ${release} -n ${namespace}\` and \`helm status ${release} -n ${namespace}\`; ${after}`,
    },
  );
}

/** Helm's answer for a release that does not exist (status, history, get, uninstall). */
export const isReleaseNotFound = (error: unknown): boolean =>
  /release: not found|not found/i.test((error as Error).message ?? "");

export function createHelmRelease(helm: Helm) {
  const upgrades = new Map<string, Promise<string>>();
  const fail = (what: string, error: unknown, release: string, namespace: string) =>
    helmFailure(what, error, release, namespace);

  async function upgrade(ctx: StepContext, objects: readonly KubeObject[], namespace: string) {
    const chart = chartOf(ctx.spec, objects);
    const release = appReleaseName(ctx);
    const dir = await mkdtemp(join(tmpdir(), "codeploy-chart-"));
    try {
      for (const f of chart.files) {
        await mkdir(dirname(join(dir, f.path)), { recursive: true });
        await writeFile(join(dir, f.path), f.content, { mode: 0o600 });
      }
      const seconds = helm.timeoutSeconds;
      const args = ["upgrade", "--install", release, dir, "--namespace", namespace, "--atomic", "--wait"];
      args.push("--wait-for-jobs", "--timeout", `${seconds}s`, "--history-max", "20", "-o", "json");
      ctx.log(
        `helm upgrade --install ${release} (namespace ${namespace}, --atomic, waits up to ${seconds}s)`,
      );
      const out = await helm.run(args, ctx.signal).catch((error: unknown) => {
        throw fail("upgrade", error, release, namespace);
      });
      const version = (JSON.parse(out) as { version?: number }).version;
      return `helm release ${release} revision ${version ?? "?"} deployed`;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  return {
    /** One upgrade per deployment and chart, shared by the steps that ask for it. */
    upgrade(ctx: StepContext, objects: readonly KubeObject[], namespace: string): Promise<string> {
      const digest = createHash("sha256").update(JSON.stringify(objects)).digest("hex");
      const key = `${namespace}/${ctx.app}/${ctx.environment}/${ctx.revision}/${digest}`;
      let pending = upgrades.get(key);
      if (!pending) {
        pending = upgrade(ctx, objects, namespace);
        upgrades.set(key, pending);
        pending.catch(() => upgrades.delete(key));
      }
      return pending;
    },

    /** `helm uninstall --wait`; a release already gone is a success. */
    async uninstall(ctx: StepContext, namespace: string): Promise<string> {
      const release = appReleaseName(ctx);
      try {
        await helm.run(["uninstall", release, "--namespace", namespace, "--wait"], ctx.signal);
        return `helm release ${release} uninstalled`;
      } catch (error) {
        if (isReleaseNotFound(error)) return `helm release ${release} was already gone`;
        throw fail("uninstall", error, release, namespace);
      }
    },
  };
}

export type HelmRelease = ReturnType<typeof createHelmRelease>;

/**
 * A step in helm mode: the network step first applies the Namespace (Helm
 * keeps its record there); every step then asks for the deployment's one
 * upgrade. In a namespace codeploy did not create, namespace-wide policies
 * are narrowed to this app's pods, as in the default mode.
 */
export async function applyHelmStep(
  step: PlanStep,
  ctx: StepContext,
  env: StepEnv,
  helm: HelmRelease,
): Promise<StepResult> {
  const rendered = renderedObjects(ctx, env.namespace);
  const namespace = namespaceOf(rendered, env.namespace);
  const nsObject = rendered.find((o) => o.kind === "Namespace");
  if (step.kind === "network" && nsObject) await applyNamespace(nsObject, ctx, env);
  const live = nsObject ? await env.client.read(refOf(nsObject), ctx.signal) : undefined;
  const shared = live !== undefined && !isOurs(live, ctx);
  const objects = rendered
    .filter((o) => o.kind !== "Namespace")
    .map((o) => (shared ? scopedToApp(o, ctx.app, ctx.environment) : o));
  const message = await helm.upgrade(ctx, objects, namespace);
  return { message, outputs: { namespace } };
}

/** Teardown in helm mode: the network step (the last) uninstalls the release, then removes the Namespace if codeploy made it. */
export async function destroyHelmStep(
  step: PlanStep,
  ctx: StepContext,
  env: StepEnv,
  helm: HelmRelease,
): Promise<StepResult> {
  const namespace = namespaceOf(renderedObjects(ctx, env.namespace), env.namespace);
  if (step.kind !== "network")
    return {
      message: `removed with the Helm release ${appReleaseName(ctx)} (network step)`,
    };
  const uninstalled = await helm.uninstall(ctx, namespace);
  ctx.log(uninstalled);
  const removed = await removeNetwork(namespace, ctx, env);
  return { message: `${uninstalled}; ${removed.message ?? ""}` };
}
