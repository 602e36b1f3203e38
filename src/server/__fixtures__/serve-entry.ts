// Runs `codeploy serve` / `codeploy keys` from source in a child process, wired the way cli/main.ts wires them.
import { Command } from "commander";
import { registerServeCommands } from "../../cli/commands/serve.js";
import { processIo } from "../../cli/io.js";

const program = new Command("codeploy").option("-c, --config <file>").exitOverride();
let code = 0;
registerServeCommands(
  program,
  processIo,
  (c) => {
    code = c;
  },
  () => program.opts<{ config?: string }>().config,
);
await program.parseAsync(process.argv.slice(2), { from: "user" });
process.exitCode = code;
