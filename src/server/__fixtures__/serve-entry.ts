// Runs `codeploy serve` / `codeploy keys` from source in a child process, wired the way cli/main.ts wires them.
import { Command } from "commander";
import { registerServeCommands } from "../../cli/commands/serve.js";
import { processIo } from "../../cli/io.js";
import { withService } from "../../cli/service.js";

const program = new Command("codeploy").option("-c, --config <file>").exitOverride();
let code = 0;
registerServeCommands(
  program,
  processIo,
  (c) => {
    code = c;
  },
  () => program.opts<{ config?: string }>().config,
  async (fn) => {
    const config = program.opts<{ config?: string }>().config;
    return withService(processIo, undefined, config ? { config } : {}, fn);
  },
);
await program.parseAsync(process.argv.slice(2), { from: "user" });
process.exitCode = code;
