/** What stateful commands share: the store, the actor, the provider registry. */
import { homedir, hostname, userInfo } from "node:os";
import { resolve } from "node:path";
import { localActor } from "../core/actor.js";
import type { CodeployConfig } from "../core/config.js";
import type { DeployDeps } from "../engine/deploy.js";
import { dockerProviderOptions } from "../providers/docker/settings.js";
import {
  PROVIDER_NAMES,
  type ProviderName,
  type ProviderSettings,
  providerForSpec,
} from "../providers/index.js";
import type { KubernetesProviderOptions } from "../providers/kubernetes/index.js";
import { parseTerraformSettings } from "../providers/terraform/settings.js";
import { hashArtifacts, render } from "../render/index.js";
import type { DeploymentSpec } from "../spec/schema.js";
import { scopedSecretValues } from "../spec/secret-scope.js";
import { loadAuditKeyring } from "../state/audit-key.js";
import { openStateStore } from "../state/index.js";
import type { StateStore } from "../state/types.js";
import type { CliIo } from "./io.js";
import { codeployHome, secretSeed } from "./secret-seed.js";
import { secretAccess } from "./settings.js";

export function actorOf(io: CliIo): string {
  if (io.env.CODEPLOY_ACTOR) return localActor(io.env.CODEPLOY_ACTOR);
  let user = "unknown";
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers): keep "unknown"
  }
  return localActor(`${user}@${hostname()}`);
}

/** CODEPLOY_HOME, or `home` of codeploy.yaml (~ expanded), or ~/.codeploy. */
export function homeOf(io: CliIo, config: CodeployConfig): string {
  const configured = config.home?.replace(/^~(?=$|\/)/, homedir());
  return configured ? resolve(config.baseDir, configured) : codeployHome(io);
}

/**
 * The store with the audit key and anchor: CODEPLOY_AUDIT_KEY (servers) or
 * `<home>/audit.key`, and `<home>/audit.head`, whichever database it is.
 */
export async function openStore(io: CliIo, config: CodeployConfig): Promise<StateStore> {
  const url = io.env.DATABASE_URL;
  const home = homeOf(io, config);
  return openStateStore({ ...(url ? { url } : {}), home, audit: loadAuditKeyring(home, io.env) });
}

export interface DeployFlags {
  readonly provider?: ProviderName;
  /** destroy: remove data volumes too (docker). */
  readonly purgeData?: boolean;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string;
}

export async function deployDeps(
  io: CliIo,
  store: StateStore,
  config: CodeployConfig,
  flags: DeployFlags = {},
): Promise<DeployDeps> {
  const providerName = flags.provider;
  const seed = await secretSeed(io);
  const settings = providerSettings(io, config, flags);
  const secrets = secretAccess(io, config);
  return {
    store,
    // Named on the command line, else the one recorded with what runs now (rollback, destroy), else the spec's target.
    providerFor: (spec, recorded) => providerForSpec(spec, providerName ?? knownProvider(recorded), settings),
    // A provider named on the command line deploys its own kind of artifacts.
    render: (spec, recorded) =>
      render(retarget(spec, providerName ?? knownProvider(recorded)), {
        secretSeed: seed,
        secrets: scopedSecretValues(spec, secrets),
      }),
    hashArtifacts,
    secrets,
  };
}

/** Settings of every provider from codeploy.yaml, the environment and the command's flags. */
export function providerSettings(
  io: CliIo,
  config: CodeployConfig,
  flags: DeployFlags = {},
  diagnose: ((message: string) => void) | undefined = io.env.CODEPLOY_DEBUG
    ? (message) => io.stderr(`debug: ${message}\n`)
    : undefined,
): ProviderSettings {
  return {
    ...(config.providers.null ? { null: config.providers.null } : {}),
    kubernetes: kubernetesOptions(io, config, flags),
    docker: dockerProviderOptions(config.providers.docker, io.env, {
      purgeData: flags.purgeData ?? false,
      ...(diagnose ? { diagnose } : {}),
    }),
    terraform: {
      home: homeOf(io, config),
      env: io.env,
      settings: parseTerraformSettings(config.providers.terraform),
    },
  };
}

/** A recorded provider name, when it is one this version knows. */
export function knownProvider(name: string | undefined): ProviderName | undefined {
  return PROVIDER_NAMES.find((n) => n === name);
}

function retarget(spec: DeploymentSpec, provider: ProviderName | undefined): DeploymentSpec {
  if (provider === undefined || provider === "null" || provider === spec.target) return spec;
  return { ...spec, target: provider };
}

export function kubernetesOptions(
  io: CliIo,
  config: CodeployConfig,
  flags: DeployFlags,
): KubernetesProviderOptions {
  const k = config.providers.kubernetes ?? {};
  // Without one, the client's own search applies: KUBECONFIG, ~/.kube/config, in-cluster.
  const kubeconfigPath = flags.kubeconfig ?? k.kubeconfig;
  const context = flags.context ?? k.context;
  const namespace = flags.namespace ?? k.namespace;
  return {
    ...(kubeconfigPath ? { kubeconfigPath: resolve(io.cwd, kubeconfigPath) } : {}),
    ...(context ? { context } : {}),
    ...(namespace ? { namespace } : {}),
    ...(k.rolloutTimeoutSeconds ? { rolloutTimeoutMs: k.rolloutTimeoutSeconds * 1000 } : {}),
    ...(k.mode ? { mode: k.mode } : {}),
    // A path is relative to the working directory; a bare name is looked up on the PATH.
    ...(k.helm ? { helm: { binary: k.helm.includes("/") ? resolve(io.cwd, k.helm) : k.helm } } : {}),
  };
}
