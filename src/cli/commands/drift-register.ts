/** `codeploy drift`: registered here, loaded when it runs (the engine's modules stay out of --help). */
import { type Command, InvalidArgumentError } from "commander";
import type { CommandContext } from "../context.js";
import type { DriftFlags } from "./drift.js";

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("a whole number of 1 or more");
  return n;
}

export function registerDriftCommands(program: Command, ctx: CommandContext): void {
  program
    .command("drift")
    .description(
      "compare what runs with the last applied revision, field by field, without changing anything (exit 3: drift)",
    )
    .argument("<app>", "the app")
    .requiredOption("-e, --env <env>", "the environment")
    .option("--json", "print as JSON")
    .option("--history", "list the recorded drift events (checks that found drift, self-heals), newest first")
    .option("--limit <n>", "with --history: events per page (default 50, at most 500)", positiveInt)
    .option(
      "--before <seq>",
      "with --history: events older than this one (the previous page's next)",
      positiveInt,
    )
    .addHelpText("after", "\nExit codes: 0 no drift, 3 drift found, 1 the check failed, 2 usage.")
    .action(async (app: string, opts: DriftFlags) => {
      const { driftCommand } = await import("./drift.js");
      await ctx.run({}, (service) => driftCommand(ctx.io, service, app, opts));
    });
}
