/**
 * `codeploy`: parse, call a service, print.
 *
 * Adding a command group (how `mcp`, `drift`... join):
 * 1. `commands/<group>-register.ts` exports
 *    `register<Group>Commands(program: Command, ctx: CommandContext): void`
 *    (see `state-register.ts`). It declares names, arguments, options and help
 *    only, and imports nothing but commander, `../context.js` and types.
 * 2. Each `.action()` imports its module on use and runs through the context:
 *    `const { driftCommand } = await import("./drift.js");`
 *    `await ctx.run({}, (service) => driftCommand(ctx.io, service, opts));`
 *    (`ctx.run` gives the local service or the server's over HTTP and sets the
 *    exit code; a command without a service calls `ctx.setExit(code)`).
 * 3. Add one `register<Group>Commands(program, ctx)` line in buildProgram below.
 * Why: `--version`, `--help` and `interpret` must stay within 1.3x and 2x of
 * `node -e 0` (issue 26; `npm run bench startup`). A static import of a heavy
 * module in a register file is paid by every command:
 * test/startup-imports.test.ts fails when a quick command loads one.
 * bin/codeploy.cjs runs the esbuild bundle of dist/ (scripts/bundle-cli.mjs):
 * each dynamic import becomes a chunk read only when the command runs.
 */
import { Command, CommanderError } from "commander";
import { UsageError } from "../core/errors.js";
import type { CodeService } from "../service/types.js";
import { registerChangeCommands } from "./commands/change-register.js";
import { registerDriftCommands } from "./commands/drift-register.js";
import { registerExpertsCommands } from "./commands/experts.js";
import type { WithService } from "./commands/keys.js";
import { registerLogsCommands } from "./commands/logs.js";
import { registerMcpCommand } from "./commands/mcp.js";
import { registerPolicyCommands } from "./commands/policy-register.js";
import { registerScanCommands } from "./commands/scan-register.js";
import { registerServeCommands } from "./commands/serve.js";
import { registerSpecCommands } from "./commands/spec-register.js";
import { registerStateCommands } from "./commands/state-register.js";
import { registerSyncCommands } from "./commands/sync-register.js";
import { registerTerraformCommands } from "./commands/terraform-register.js";
import { registerVideoCommands } from "./commands/video.js";
import type { CommandContext } from "./context.js";
import { EXIT_OK, EXIT_USAGE, exitCodeOf, formatError } from "./exit.js";
import { type CliIo, processIo } from "./io.js";
import type { LocalFlags } from "./service.js";
import { packageVersion } from "./version.js";

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command("codeploy")
    .description(
      "CODE, the Claude-Optimized Deployment Engine: say what you want deployed, review the plan, deploy it.",
    )
    .version(packageVersion(), "-V, --version", "print the version")
    .option("-c, --config <file>", "configuration file (default: ./codeploy.yaml, or $CODEPLOY_CONFIG)")
    .option("--server <url>", "use a `codeploy serve` API instead of running locally (or $CODEPLOY_SERVER)")
    .option("--token <token>", "API key or JWT for --server (or $CODEPLOY_TOKEN)")
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();

  const configOf = () => program.opts<{ config?: string }>().config;
  /** The server named by --server or CODEPLOY_SERVER; undefined runs locally. */
  const remoteOf = async () => {
    const opts = program.opts<{ server?: string; token?: string }>();
    if (!(opts.server ?? io.env.CODEPLOY_SERVER)) return undefined;
    return (await import("./service.js")).remoteTarget(io, opts);
  };
  /** Runs a command with its service: the local one, or the server's over HTTP. */
  const withServiceOf =
    (flags: LocalFlags = {}): WithService =>
    async (fn) => {
      const { withService } = await import("./service.js");
      const config = configOf();
      return withService(io, await remoteOf(), { ...flags, ...(config ? { config } : {}) }, fn);
    };
  const run = (flags: LocalFlags, command: (service: CodeService) => Promise<number>) =>
    withServiceOf(flags)(command).then(setExit);

  const ctx: CommandContext = { io, setExit, configOf, remoteOf, withService: withServiceOf, run };
  registerSpecCommands(program, ctx);
  registerChangeCommands(program, ctx);
  registerStateCommands(program, ctx);
  registerMcpCommand(program, ctx);
  registerDriftCommands(program, ctx);
  registerSyncCommands(program, ctx);

  // These read or change what runs on this machine: through a server they would act on the wrong one.
  program.hook("preAction", async (_program, action) => {
    const top = topCommand(action);
    if (!LOCAL_ONLY.has(top.name()) || (await remoteOf()) === undefined) return;
    throw new UsageError(`codeploy ${top.name()} runs on this machine only, not through a server`, {
      hint: "drop --server (or unset CODEPLOY_SERVER) to run it here",
    });
  });

  registerTerraformCommands(program, io, setExit, configOf);
  registerLogsCommands(program, io, setExit, withServiceOf());
  registerServeCommands(program, io, setExit, configOf, withServiceOf());
  registerVideoCommands(program, ctx);
  registerExpertsCommands(program, ctx);
  registerPolicyCommands(program, io, setExit, configOf);
  registerScanCommands(program, io, setExit, configOf);

  return program;
}

/** Commands with no server counterpart that act on this machine's state, engine or workspaces. */
const LOCAL_ONLY: ReadonlySet<string> = new Set(["terraform", "scan"]);

/** The command under the program that `action` belongs to (`terraform` for `terraform plan`). */
function topCommand(action: Command): Command {
  let command = action;
  while (command.parent?.parent) command = command.parent;
  return command;
}

export { quietOnClosedStdout } from "./io.js";

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" to commander; they are successes to us.
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return EXIT_OK;
      if (error.code === "commander.help") return EXIT_OK;
      return EXIT_USAGE;
    }
    io.stderr(`${formatError(error, Boolean(io.env.CODEPLOY_DEBUG))}\n`);
    return exitCodeOf(error);
  }
}
