/** `codeploy drift`: registered here, loaded when it runs (the engine's modules stay out of --help). */
import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import type { DriftFlags } from "./drift.js";

export function registerDriftCommands(program: Command, ctx: CommandContext): void {
  program
    .command("drift")
    .description(
      "compare what runs with the last applied revision, field by field, without changing anything (exit 3: drift)",
    )
    .argument("<app>", "the app")
    .requiredOption("-e, --env <env>", "the environment")
    .option("--json", "print as JSON")
    .addHelpText("after", "\nExit codes: 0 no drift, 3 drift found, 1 the check failed, 2 usage.")
    .action(async (app: string, opts: DriftFlags) => {
      const { driftCommand } = await import("./drift.js");
      await ctx.run({}, (service) => driftCommand(ctx.io, service, app, opts));
    });
}
