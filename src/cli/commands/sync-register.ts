/** `codeploy sync`: apply the specs a Git repository holds (commander only here; the work loads when it runs). */
import type { ProviderName } from "../../providers/names.js";
import { type CommandContext, providerOption } from "../context.js";

export interface SyncFlags {
  readonly repo: string;
  readonly ref?: string;
  readonly path?: string;
  readonly dryRun?: boolean;
  readonly yes?: boolean;
  readonly json?: boolean;
  readonly provider?: ProviderName;
}

export function registerSyncCommands(program: import("commander").Command, ctx: CommandContext): void {
  program
    .command("sync")
    .description(
      "apply the spec files of a Git repository (one per app and environment): plan each against what runs, apply it under apply's rules, report unchanged / planned / applied / refused",
    )
    .requiredOption(
      "--repo <path|url>",
      "the repository (credentials from CODEPLOY_GIT_TOKEN, never the URL)",
    )
    .option("--ref <ref>", "branch, tag or commit to read", "main")
    .option("--path <folder>", "folder of the spec files in the repository", "specs")
    .option("--dry-run", "plan only: report what would change")
    .option("-y, --yes", "apply without asking (production included), as `apply --yes`")
    .option("--json", "print the report as JSON")
    .addOption(providerOption())
    .action(async (opts: SyncFlags) => {
      const { syncCommand } = await import("./sync.js");
      await ctx.run(opts.provider ? { provider: opts.provider } : {}, (service) =>
        syncCommand(ctx, service, opts),
      );
    });
}
