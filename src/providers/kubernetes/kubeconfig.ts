/**
 * Which cluster, as whom: the kubeconfig (a path or a KUBECONFIG-style list,
 * else the library's default search: KUBECONFIG, ~/.kube/config, in-cluster),
 * and a context picked by name. Reading environment variables is left to the
 * client library's own default search, as kubectl does.
 *
 * The library is imported on first use: loading it takes ~350 ms, and most
 * CLI commands never talk to a cluster.
 */
import { delimiter } from "node:path";
import type { KubeConfig } from "@kubernetes/client-node";
import { importPackage } from "../../core/import-package.js";
import { ProviderError } from "../../engine/provider.js";
import { type KubeClient, ObjectApiClient } from "./client.js";

type ClientLib = typeof import("@kubernetes/client-node");

let library: Promise<ClientLib> | undefined;

export function loadClientLibrary(): Promise<ClientLib> {
  library ??= importPackage<ClientLib>("@kubernetes/client-node");
  return library;
}

export interface ConnectOptions {
  /** A kubeconfig file, or several joined like KUBECONFIG. @default KUBECONFIG, else ~/.kube/config, else in-cluster */
  readonly kubeconfigPath?: string;
  /** @default the kubeconfig's current-context */
  readonly context?: string;
  /** A loaded kubeconfig (tests, embedding); takes precedence over kubeconfigPath. */
  readonly kubeConfig?: KubeConfig;
  /** @default 30_000 */
  readonly requestTimeoutMs?: number;
}

function readKubeConfig(k8s: ClientLib, options: ConnectOptions): KubeConfig {
  const kc = new k8s.KubeConfig();
  const source = options.kubeconfigPath ?? "the default kubeconfig (KUBECONFIG or ~/.kube/config)";
  try {
    if (options.kubeConfig) {
      kc.loadFromOptions({
        clusters: options.kubeConfig.getClusters(),
        contexts: options.kubeConfig.getContexts(),
        users: options.kubeConfig.getUsers(),
        currentContext: options.kubeConfig.getCurrentContext(),
      });
    } else if (options.kubeconfigPath) {
      const [first = "", ...rest] = options.kubeconfigPath.split(delimiter).filter(Boolean);
      kc.loadFromFile(first);
      for (const file of rest) {
        const more = new k8s.KubeConfig();
        more.loadFromFile(file);
        kc.mergeConfig(more);
      }
    } else kc.loadFromDefault();
  } catch (cause) {
    // The first line only: YAML errors go on to quote the file, and kubeconfigs hold tokens.
    const reason = (cause instanceof Error ? cause.message : String(cause)).split("\n")[0];
    throw new ProviderError("KUBE_CONFIG", `cannot read ${source}: ${reason}`, {
      hint: "point KUBECONFIG or --kubeconfig at a valid kubeconfig file",
    });
  }
  return kc;
}

function selectContext(kc: KubeConfig, options: ConnectOptions): void {
  const names = kc.getContexts().map((c) => c.name);
  if (options.context !== undefined) {
    if (!names.includes(options.context)) {
      throw new ProviderError("KUBE_CONTEXT_UNKNOWN", `the kubeconfig has no context "${options.context}"`, {
        hint: names.length > 0 ? `known contexts: ${names.join(", ")}` : "the kubeconfig defines no contexts",
      });
    }
    kc.setCurrentContext(options.context);
  }
  const cluster = kc.getCurrentCluster();
  // loadFromDefault falls back to this placeholder when it finds no kubeconfig at all.
  const placeholder = cluster?.name === "cluster" && cluster.server === "http://localhost:8080";
  if (!cluster || (placeholder && !options.kubeconfigPath && !options.kubeConfig)) {
    throw new ProviderError("KUBE_NO_CONFIG", "no Kubernetes cluster is configured", {
      hint: "set KUBECONFIG, create ~/.kube/config (your cloud CLI writes one), or pass --kubeconfig and --context",
    });
  }
}

export async function connect(options: ConnectOptions): Promise<KubeClient> {
  const k8s = await loadClientLibrary();
  const kc = readKubeConfig(k8s, options);
  selectContext(kc, options);
  return new ObjectApiClient(k8s, kc, options.requestTimeoutMs ?? 30_000);
}
