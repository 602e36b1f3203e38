/** Commands that change what runs: apply, rollback, destroy (confirmation, progress, provider choice). */
import type { Command } from "commander";
import { Option } from "commander";
import { type CommandContext, intOption, providerOption, targetOption } from "../context.js";
import type { LocalFlags } from "../service.js";
import type { ApplyFlags } from "./apply.js";
import type { ChangeFlags } from "./change.js";

/** The flags of commands that change what runs, for the provider they use. */
type DeployTargetFlags = Pick<LocalFlags, "kubeconfig" | "context" | "namespace">;

/** A command that changes what runs: confirmation, JSON events, lock waiting, provider choice. */
function deployCommand(program: Command, name: string): Command {
  return program
    .command(name)
    .option("-y, --yes", "do not ask for confirmation (needed without a terminal)")
    .option("--json", "print one engine event per line as JSON")
    .option("--wait", "wait for another change of the same app and environment to finish instead of failing")
    .option(
      "--plan-id <id>",
      "run only the change reviewed: refused (exit 1) when this plan id no longer names this change and what runs",
    )
    .addOption(providerOption())
    .option(
      "--kubeconfig <file>",
      "kubeconfig for the kubernetes provider (default: $KUBECONFIG, ~/.kube/config)",
    )
    .option("--context <name>", "kubeconfig context to use")
    .option("--namespace <ns>", "namespace to deploy into (default: <app>-<env>)");
}

export function registerChangeCommands(program: Command, ctx: CommandContext): void {
  const { io, run } = ctx;
  deployCommand(program, "apply")
    .description("show the plan, ask for confirmation, then deploy (rolls back on failure)")
    .argument("<input...>", "a spec file, or a request in words")
    .addOption(targetOption())
    .option("--accept-risk", "apply even when policy reports errors")
    .option(
      "--adopt",
      "take over existing objects (network, volume, namespace, Terraform folder) that carry another owner's labels or none; refused otherwise",
    )
    .option(
      "--accept-assumptions",
      "apply words even when they leave questions open (the assumptions are shown)",
    )
    .option("--base <file>", "the words amend this spec (YAML or JSON)")
    .addOption(
      new Option("--on-failure <mode>", "what to do when a step fails")
        .choices(["rollback", "stop"])
        .default("rollback"),
    )
    .addOption(intOption("-p, --parallelism <n>", "steps run at once (default 8)"))
    .addOption(intOption("--step-timeout <seconds>", "deadline of each step attempt (default 300)"))
    .action(async (input: string[], opts: ApplyFlags & DeployTargetFlags) => {
      const [{ applyCommand }, { specFolder }] = await Promise.all([
        import("./apply.js"),
        import("../service.js"),
      ]);
      // A spec file's services name local charts relative to its folder.
      const flags = { ...opts, ...specFolder(io, input.join(" ")) };
      await run(flags, (service) => applyCommand(io, service, input.join(" "), opts));
    });

  deployCommand(program, "rollback")
    .description("restore an earlier revision (default: the one before what runs now)")
    .argument("<app>", "the app")
    .requiredOption("-e, --env <env>", "the environment")
    .addOption(intOption("--to <revision>", "revision number to restore (see `codeploy history`)"))
    .action(async (app: string, opts: ChangeFlags & DeployTargetFlags & { to?: number }) => {
      const { rollbackCommand } = await import("./change.js");
      await run(opts, (service) => rollbackCommand(io, service, app, opts));
    });

  deployCommand(program, "destroy")
    .description("remove everything an app runs in an environment (asks you to type the app name)")
    .argument("<app>", "the app")
    .requiredOption("-e, --env <env>", "the environment")
    .option("--purge-data", "also remove the data volumes (docker); they are kept by default")
    .action(async (app: string, opts: ChangeFlags & DeployTargetFlags) => {
      const { destroyCommand } = await import("./change.js");
      await run(opts, (service) => destroyCommand(io, service, app, opts));
    });
}
