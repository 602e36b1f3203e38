/**
 * `codeploy policy list|test`. Registered at start-up with commander only;
 * the policy code loads when a command runs (`--version` never loads it).
 */
import type { Command } from "commander";
import type { CliIo } from "../io.js";

const run = () => import("./policy.js");

export function registerPolicyCommands(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
  configOf: () => string | undefined,
): void {
  const policy = program.command("policy").description("the policy rules: built-in, module plugins and Rego");
  policy
    .command("list")
    .description("every rule with its source, severity and whether it is on")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean }) => {
      setExit(await (await run()).policyListCommand(io, { ...opts, config: configOf() }));
    });
  policy
    .command("test")
    .description(
      "run a team's policy fixtures: DIR/pass/*.yaml must pass, DIR/fail/*.yaml must be refused (`# expect: ID...` names the rules); Rego tests in DIR run with `opa test`",
    )
    .argument("<dir>", "the fixtures folder")
    .option("--json", "print as JSON")
    .action(async (dir: string, opts: { json?: boolean }) => {
      setExit(await (await run()).policyTestCommand(io, dir, { ...opts, config: configOf() }));
    });
}
