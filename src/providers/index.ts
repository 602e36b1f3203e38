/**
 * The provider registry: the one place that knows every concrete provider.
 * Wired into the engine by cli/ and server/.
 */
import { CodeError } from "../core/errors.js";
import type { Provider } from "../engine/provider.js";
import type { DeploymentSpec } from "../spec/schema.js";
import { createDockerProvider, type DockerProviderOptions } from "./docker/index.js";
import { createKubernetesProvider, type KubernetesProviderOptions } from "./kubernetes/index.js";
import type { ProviderName } from "./names.js";
import { createNullProvider, type NullProviderOptions } from "./null/index.js";
import { createTerraformProvider, type TerraformProviderOptions } from "./terraform/provider.js";

export { PROVIDER_NAMES, type ProviderName } from "./names.js";

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

/** One factory per provider name: a name without a factory does not compile. */
const FACTORIES = {
  null: (settings) => createNullProvider(settings.null),
  docker: (settings) => createDockerProvider(settings.docker ?? {}),
  kubernetes: (settings) => createKubernetesProvider(settings.kubernetes ?? {}),
  terraform: (settings) => {
    if (!settings.terraform) throw new ProviderUnavailableError("terraform");
    return createTerraformProvider(settings.terraform);
  },
} satisfies Record<ProviderName, (settings: ProviderSettings) => Provider>;

export function createProvider(name: ProviderName, settings: ProviderSettings = {}): Provider {
  const factory: ((settings: ProviderSettings) => Provider) | undefined = Object.hasOwn(FACTORIES, name)
    ? FACTORIES[name]
    : undefined;
  if (!factory) throw new ProviderUnavailableError(name);
  return factory(settings);
}

/** The names the registry can create, in its order. */
export function registeredProviders(): readonly ProviderName[] {
  return Object.keys(FACTORIES).filter((n): n is ProviderName => Object.hasOwn(FACTORIES, n));
}

/** The provider for a spec: the one named, else the spec's target. */
export function providerForSpec(
  spec: DeploymentSpec,
  name?: ProviderName,
  settings: ProviderSettings = {},
): Provider {
  return createProvider(name ?? spec.target, settings);
}
