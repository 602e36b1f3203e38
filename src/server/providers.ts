/**
 * Which provider a server deployment runs with: the one the server was
 * started with (`serve --provider null` for a rehearsal server), else the
 * spec's target. A request may name a provider only when the configuration
 * lists it in server.requestProviders: clients do not pick side effects.
 */
import {
  createProvider,
  PROVIDER_NAMES,
  type ProviderName,
  type ProviderSettings,
  providerForSpec,
} from "../providers/index.js";
import type { ProviderResolver } from "./context.js";
import { HttpError } from "./errors.js";

export interface ResolverOptions {
  /** Every deployment uses this provider. */
  readonly forced?: ProviderName;
  /** Providers a request may ask for. @default [] */
  readonly requestable?: readonly string[];
  readonly settings?: ProviderSettings;
}

export function providerResolver(options: ResolverOptions = {}): ProviderResolver {
  const settings = options.settings ?? {};
  const requestable = new Set(options.requestable ?? []);
  return (spec, requested) => {
    if (requested === undefined) return providerForSpec(spec, options.forced, settings);
    // A rollback or destroy names the provider recorded with the deployment: the forced one is always allowed.
    if (requested === options.forced) return createProvider(requested, settings);
    const name = PROVIDER_NAMES.find((n) => n === requested);
    if (name === undefined || !requestable.has(name)) {
      throw new HttpError(
        422,
        "PROVIDER_NOT_ALLOWED",
        `this server does not let requests choose the provider "${requested}"`,
        {
          hint: `allowed: ${[...requestable].join(", ") || "(none)"}; leave provider out to use the spec's target`,
        },
      );
    }
    return createProvider(name, settings);
  };
}
