/**
 * `providers.docker` in codeploy.yaml, merged with the environment the CLI
 * or server hands in (DOCKER_HOST, XDG_RUNTIME_DIR win over the file) and the
 * flags (`destroy --purge-data`). Validated here so a typo is reported with its path.
 */
import { z } from "zod";
import { ConfigError } from "../../core/errors.js";
import type { DockerProviderOptions } from "./session.js";

export const dockerSettingsSchema = z.strictObject({
  /** Engine to use, in DOCKER_HOST form (`unix:///run/podman/podman.sock`); DOCKER_HOST overrides it. */
  host: z.string().min(1).optional(),
  /** Address that public services publish their ports on. @default "127.0.0.1" */
  publishHost: z.string().min(1).optional(),
  /** Seconds one image pull may take. @default 300 */
  pullTimeoutSeconds: z.number().int().min(1).optional(),
  /** Seconds a container may take to become ready. @default 120 */
  healthTimeoutSeconds: z.number().int().min(1).optional(),
  /** Grace period between SIGTERM and SIGKILL. @default 10 */
  stopTimeoutSeconds: z.number().int().min(0).optional(),
  /** How long to keep retrying (with backoff) an engine that is there but busy. @default 30 */
  connectTimeoutSeconds: z.number().int().min(1).optional(),
});

export type DockerSettings = z.output<typeof dockerSettingsSchema>;

/** Validates `providers.docker` (undefined gives the defaults). */
export function parseDockerSettings(raw: unknown): DockerSettings {
  const parsed = dockerSettingsSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map(
    (i) => `providers.docker${i.path.map((p) => `.${String(p)}`).join("")}: ${i.message}`,
  );
  throw new ConfigError(`invalid docker settings:\n  ${lines.join("\n  ")}`, {
    hint: "see the README's configuration section (providers.docker)",
  });
}

/** Provider options from the config section, the environment and the flags. */
export function dockerProviderOptions(
  raw: unknown,
  env: Readonly<Record<string, string | undefined>>,
  flags: { readonly purgeData?: boolean; readonly diagnose?: (message: string) => void } = {},
): DockerProviderOptions {
  const s = parseDockerSettings(raw);
  const host = env.DOCKER_HOST || s.host;
  return {
    ...(host ? { host } : {}),
    ...(env.XDG_RUNTIME_DIR ? { xdgRuntimeDir: env.XDG_RUNTIME_DIR } : {}),
    ...(s.publishHost ? { publishHost: s.publishHost } : {}),
    ...(s.pullTimeoutSeconds ? { pullTimeoutMs: s.pullTimeoutSeconds * 1000 } : {}),
    ...(s.healthTimeoutSeconds ? { healthTimeoutMs: s.healthTimeoutSeconds * 1000 } : {}),
    ...(s.stopTimeoutSeconds !== undefined ? { stopTimeoutSeconds: s.stopTimeoutSeconds } : {}),
    ...(s.connectTimeoutSeconds ? { connectTimeoutMs: s.connectTimeoutSeconds * 1000 } : {}),
    ...(flags.purgeData ? { purgeData: true } : {}),
    ...(flags.diagnose ? { diagnose: flags.diagnose } : {}),
  };
}
