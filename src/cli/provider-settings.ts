/**
 * Settings of every provider for the CLI. Apart from session.ts because the
 * docker and terraform settings are zod schemas: commands that make no
 * provider (`status`, `history`, `plan`) never load them (issue 26).
 */
import type { CodeployConfig } from "../core/config.js";
import type { ProviderSettings } from "../providers/index.js";
import { settingsFromConfig } from "../providers/settings.js";
import type { CliIo } from "./io.js";
import { type DeployFlags, homeOf } from "./session.js";

/** Settings of every provider from codeploy.yaml, the environment and the command's flags. */
export function providerSettings(
  io: CliIo,
  config: CodeployConfig,
  flags: DeployFlags = {},
  diagnose: ((message: string) => void) | undefined = io.env.CODEPLOY_DEBUG
    ? (message) => io.stderr(`debug: ${message}\n`)
    : undefined,
): ProviderSettings {
  return settingsFromConfig({
    providers: config.providers,
    env: io.env,
    cwd: io.cwd,
    configDir: config.baseDir,
    home: homeOf(io, config),
    flags,
    ...(diagnose ? { diagnose } : {}),
  });
}
