/**
 * Wiring of `codeploy terraform plan|apply|destroy DIR` into the program. The
 * command modules are imported when a terraform command runs, so other
 * commands do not pay for them.
 */
import { type Command, Option } from "commander";
import type { CliIo } from "../io.js";
import type { TerraformFlags } from "./terraform-session.js";

const load = () => import("./terraform.js");

/** Adds `codeploy terraform plan|apply|destroy` to the program. */
export function registerTerraformCommands(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
  configOf: () => string | undefined,
): void {
  const tf = program
    .command("terraform")
    .description(
      "plan, apply or destroy an existing Terraform module, reviewed and recorded like a deployment",
    );
  const common = (c: Command) =>
    c
      .argument("<dir>", "folder of the Terraform module")
      .option("--app <name>", "app name to record the runs under (default: the folder's name)")
      .option("-e, --env <env>", "environment (default: the workspace, else default)")
      .option("-w, --workspace <name>", "Terraform workspace (default: <app>-<env>)")
      .option("--json", "print JSON");
  const vars = () =>
    new Option("--var <name=value>", "set a Terraform input variable (repeatable)").argParser(
      (v: string, all: string[] = []) => [...all, v],
    );
  common(tf.command("plan").description("save a reviewed plan: changes by address, findings"))
    .addOption(vars())
    .option("--accept-risk", "exit 0 even when policy reports errors")
    .action(async (dir: string, opts: TerraformFlags) =>
      setExit(await (await load()).terraformPlanCommand(io, dir, { ...opts, config: configOf() })),
    );
  common(
    tf
      .command("apply")
      .description("apply exactly the plan saved by `terraform plan` (refused if the module changed)"),
  )
    .option("-y, --yes", "do not ask for confirmation (needed without a terminal)")
    .option("--accept-risk", "apply even when policy reports errors")
    .action(async (dir: string, opts: TerraformFlags) =>
      setExit(await (await load()).terraformApplyCommand(io, dir, { ...opts, config: configOf() })),
    );
  common(
    tf
      .command("destroy")
      .description("plan the destruction of everything in the workspace, confirm, apply it"),
  )
    .addOption(vars())
    .option("-y, --yes", "do not ask for confirmation")
    .option("--accept-risk", "destroy even when policy reports errors")
    .action(async (dir: string, opts: TerraformFlags) =>
      setExit(await (await load()).terraformDestroyCommand(io, dir, { ...opts, config: configOf() })),
    );
}
