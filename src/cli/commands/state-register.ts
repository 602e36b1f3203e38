/** Commands that read what runs and its records: status, history, unlock, audit. */
import type { Command } from "commander";
import { type CommandContext, intOption } from "../context.js";

export function registerStateCommands(program: Command, ctx: CommandContext): void {
  const { io, run } = ctx;
  program
    .command("status")
    .description(
      "what runs where: current revision, last deployment (running, interrupted, failed...), locks",
    )
    .argument("[app]", "one app (default: all)")
    .option("-e, --env <env>", "one environment")
    .option("--json", "print as JSON")
    .action(async (app: string | undefined, opts: { env?: string; json?: boolean }) => {
      const { statusCommand } = await import("./state.js");
      await run({}, (service) => statusCommand(io, service, app, opts));
    });

  program
    .command("history")
    .description("deployments of an app, newest first")
    .argument("<app>", "the app")
    .option("-e, --env <env>", "one environment")
    .addOption(intOption("-n, --limit <n>", "how many (default 50)"))
    .option("--json", "print deployments and revisions as JSON")
    .action(async (app: string, opts: { env?: string; json?: boolean; limit?: number }) => {
      const { historyCommand } = await import("./state.js");
      await run({}, (service) => historyCommand(io, service, app, opts));
    });

  program
    .command("unlock")
    .description("free the apply lock of an app and environment whose holder died (refused while it runs)")
    .argument("<app>", "the app")
    .requiredOption("-e, --env <env>", "the environment")
    .option("--force", "free it even though its holder still runs (its run stops with lock-lost)")
    .action(async (app: string, opts: { env: string; force?: boolean }) => {
      const { unlockCommand } = await import("./state.js");
      await run({}, (service) => unlockCommand(io, service, app, opts));
    });

  const audit = program
    .command("audit")
    .description("the keyed (HMAC) chain of audit records of every command");
  audit
    .command("verify")
    .description(
      "check the chain and its anchor; exits 1 when a record was changed, removed or the log replaced",
    )
    .option("--head <seq:mac>", "also check against a head stored elsewhere (from `codeploy audit head`)")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean; head?: string }) => {
      const { auditVerifyCommand } = await import("./state.js");
      await run({}, (service) => auditVerifyCommand(io, service, opts));
    });
  audit
    .command("head")
    .description("print the last record's seq and MAC, to keep elsewhere for `audit verify --head`")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean }) => {
      const { auditHeadCommand } = await import("./state.js");
      await run({}, (service) => auditHeadCommand(io, service, opts));
    });
  audit
    .command("list")
    .description("the newest audit records")
    .addOption(intOption("-n, --limit <n>", "how many (default 50)"))
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean; limit?: number }) => {
      const { auditListCommand } = await import("./state.js");
      await run({}, (service) => auditListCommand(io, service, opts));
    });
}
