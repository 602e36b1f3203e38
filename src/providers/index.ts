/**
 * The provider registry: the one place that knows every concrete provider.
 * Wired into the engine by cli/ and server/.
 */
import { CodeError } from "../core/errors.js";
import type { Provider } from "../engine/provider.js";
import type { DeploymentSpec } from "../spec/schema.js";
import { createDockerProvider, type DockerProviderOptions } from "./docker/index.js";
import { createKubernetesProvider, type KubernetesProviderOptions } from "./kubernetes/index.js";
import { createNullProvider, type NullProviderOptions } from "./null/index.js";
import { createTerraformProvider, type TerraformProviderOptions } from "./terraform/provider.js";

export const PROVIDER_NAMES = ["null", "docker", "kubernetes", "terraform"] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export interface ProviderSettings {
  readonly null?: NullProviderOptions;
  readonly docker?: DockerProviderOptions;
  readonly kubernetes?: KubernetesProviderOptions;
  /** Needed for the terraform provider: where its work folders live and the environment it runs with. */
  readonly terraform?: TerraformProviderOptions;
}

/** A provider created without the settings it needs: a typed error with what to do instead. */
export class ProviderUnavailableError extends CodeError {
  constructor(name: string) {
    super(
      "PROVIDER_UNAVAILABLE",
      `the ${name} provider is not available: it was created without its settings`,
      {
        hint: "the CLI and the server pass every provider's settings; when embedding CODE, pass ProviderSettings to createProvider (or use `--provider null` to rehearse)",
      },
    );
  }
}

export function createProvider(name: ProviderName, settings: ProviderSettings = {}): Provider {
  switch (name) {
    case "null":
      return createNullProvider(settings.null);
    case "docker":
      return createDockerProvider(settings.docker ?? {});
    case "kubernetes":
      return createKubernetesProvider(settings.kubernetes ?? {});
    case "terraform":
      if (!settings.terraform) throw new ProviderUnavailableError(name);
      return createTerraformProvider(settings.terraform);
    default:
      throw new ProviderUnavailableError(name);
  }
}

/** The provider for a spec: the one named, else the spec's target. */
export function providerForSpec(
  spec: DeploymentSpec,
  name?: ProviderName,
  settings: ProviderSettings = {},
): Provider {
  return createProvider(name ?? spec.target, settings);
}
