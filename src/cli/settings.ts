/** Configuration settings for commands (kept apart from the store so `plan` stays light; policy: policy-settings.ts). */
import type { CodeployConfig } from "../core/config.js";
import { loadConfig } from "../core/config-load.js";
import type { RenderOptions } from "../render/types.js";
import { type SecretAccess, undeclaredWarning } from "../spec/secret-scope.js";
import type { CliIo } from "./io.js";

/** What the renderers read from codeploy.yaml: the cluster's ingress class and certificate issuer. */
export function renderSettings(config: CodeployConfig): Pick<RenderOptions, "kubernetes"> {
  const k = config.providers.kubernetes;
  return {
    kubernetes: {
      ...(k?.ingressClassName ? { ingressClassName: k.ingressClassName } : {}),
      ...(k?.clusterIssuer ? { clusterIssuer: k.clusterIssuer } : {}),
      ...(k?.prometheusNamespace ? { prometheusNamespace: k.prometheusNamespace } : {}),
    },
  };
}

export async function loadCliConfig(io: CliIo, file?: string): Promise<CodeployConfig> {
  return loadConfig({ env: io.env, cwd: io.cwd, ...(file ? { file } : {}) });
}

/**
 * Secrets on the CLI: values from this process's environment; a name the
 * config does not declare is only warned about (the person deploying holds the
 * value already), a declared one used outside its scope is refused.
 */
export function secretAccess(io: CliIo, config: CodeployConfig): SecretAccess {
  return {
    env: io.env,
    scope: config.secrets,
    undeclared: "warn",
    onUndeclared: (names) => {
      // apply checks before asking and the engine again before locking: say it once per command.
      const told = warnedNames.get(io) ?? new Set<string>();
      warnedNames.set(io, told);
      const fresh = names.filter((n) => !told.has(n));
      for (const n of fresh) told.add(n);
      if (fresh.length > 0) io.stderr(undeclaredWarning(fresh));
    },
  };
}

const warnedNames = new WeakMap<CliIo, Set<string>>();
