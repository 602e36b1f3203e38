/**
 * Every provider's settings from the `providers:` section of codeploy.yaml,
 * the environment and a command's flags: the one place that knows each
 * provider's options, so the CLI and the server never name a provider.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { CodeployConfig } from "../core/config.js";
import { ConfigError } from "../core/errors.js";
import type { ArtifactFile } from "../render/types.js";
import { dockerProviderOptions } from "./docker/settings.js";
import type { ProviderSettings } from "./index.js";
import type { KubernetesProviderOptions } from "./kubernetes/index.js";
import { moduleFilePath, parseTerraformSettings } from "./terraform/settings.js";

export interface SettingsInput {
  readonly providers: CodeployConfig["providers"];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Paths in flags are relative to it. */
  readonly cwd: string;
  /** Paths in codeploy.yaml that say so (kubernetes.chartRoot) are relative to its folder. @default cwd */
  readonly configDir?: string;
  /** CODE's home: the terraform provider's work folders live under it. */
  readonly home: string;
  readonly flags?: {
    readonly purgeData?: boolean;
    readonly kubeconfig?: string;
    readonly context?: string;
    readonly namespace?: string;
    /** The spec file's folder: services' chart.path are relative to it (kubernetes). */
    readonly chartRoot?: string;
  };
  readonly diagnose?: (message: string) => void;
}

export function settingsFromConfig(input: SettingsInput): ProviderSettings {
  const { providers, env, flags = {} } = input;
  return {
    ...(providers.null ? { null: providers.null } : {}),
    kubernetes: kubernetesOptions(input),
    docker: dockerProviderOptions(providers.docker, env, {
      purgeData: flags.purgeData ?? false,
      ...(input.diagnose ? { diagnose: input.diagnose } : {}),
    }),
    terraform: terraformOptions(input),
  };
}

function terraformOptions(input: SettingsInput): NonNullable<ProviderSettings["terraform"]> {
  const parsed = parseTerraformSettings(input.providers.terraform);
  const base = input.configDir ?? input.cwd;
  // Paths in codeploy.yaml are relative to it, not to terraform's work folder.
  const settings = parsed.cliConfigFile
    ? { ...parsed, cliConfigFile: resolve(base, parsed.cliConfigFile) }
    : parsed;
  const files = (settings.moduleFiles ?? []).map((f) => resolve(base, f));
  // Read when a module is written, so an edit is picked up by the next apply or drift check.
  const extraFiles = (): ArtifactFile[] =>
    files.map((file) => {
      try {
        return { path: moduleFilePath(file), content: readFileSync(file, "utf8") };
      } catch (cause) {
        throw new ConfigError(`providers.terraform.moduleFiles: cannot read ${file}`, {
          cause,
          hint: "paths are relative to codeploy.yaml",
        });
      }
    });
  return {
    home: input.home,
    env: input.env,
    settings,
    ...(files.length > 0 ? { extraFiles } : {}),
  };
}

function kubernetesOptions(input: SettingsInput): KubernetesProviderOptions {
  const k = input.providers.kubernetes ?? {};
  const flags = input.flags ?? {};
  // Without one, the client's own search applies: KUBECONFIG, ~/.kube/config, in-cluster.
  const kubeconfigPath = flags.kubeconfig ?? k.kubeconfig;
  const context = flags.context ?? k.context;
  const namespace = flags.namespace ?? k.namespace;
  // A spec file's own folder first; else the configured one, relative to codeploy.yaml.
  const chartRoot =
    flags.chartRoot ?? (k.chartRoot ? resolve(input.configDir ?? input.cwd, k.chartRoot) : undefined);
  return {
    ...(kubeconfigPath ? { kubeconfigPath: resolve(input.cwd, kubeconfigPath) } : {}),
    ...(context ? { context } : {}),
    ...(namespace ? { namespace } : {}),
    ...(k.rolloutTimeoutSeconds ? { rolloutTimeoutMs: k.rolloutTimeoutSeconds * 1000 } : {}),
    ...(k.mode ? { mode: k.mode } : {}),
    // A path is relative to the working directory; a bare name is looked up on the PATH.
    ...(k.helm ? { helm: { binary: k.helm.includes("/") ? resolve(input.cwd, k.helm) : k.helm } } : {}),
    ...(chartRoot ? { chartRoot } : {}),
  };
}
