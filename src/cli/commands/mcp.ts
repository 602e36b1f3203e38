/**
 * `codeploy mcp [--read-only]`: the Model Context Protocol server over
 * standard input and output, on this machine's service (store, policy,
 * providers, secrets of codeploy.yaml). An assistant runs it as a child
 * process: `claude mcp add codeploy -- npx codeploy mcp`. The SDK and the
 * service are imported when it runs, never by `codeploy --version`.
 */
import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import type { CommandContext } from "../context.js";
import { EXIT_OK } from "../exit.js";
import { packageVersion } from "../version.js";

export function registerMcpCommand(program: Command, ctx: CommandContext): void {
  program
    .command("mcp")
    .description(
      "serve the Model Context Protocol on stdin/stdout for an assistant (Claude Code, Claude Desktop)",
    )
    .option("--read-only", "list no tool that changes what runs (apply, rollback, destroy)")
    .action(async (opts: { readOnly?: boolean }) => {
      const remote = await ctx.remoteOf();
      if (remote !== undefined) {
        // The plan check and the audit run where the service runs: a server serves MCP itself.
        throw new UsageError("codeploy mcp serves this machine's service, not a server's", {
          hint: `connect the assistant to ${remote.url.replace(/\/$/, "")}/mcp with a token instead`,
        });
      }
      const [{ openLocalService }, { serveMcpStdio }, { actorOf }] = await Promise.all([
        import("../local-service.js"),
        import("../../mcp/stdio.js"),
        import("../session.js"),
      ]);
      const config = ctx.configOf();
      const { service, close } = await openLocalService(ctx.io, config ? { config } : {});
      try {
        await serveMcpStdio({
          service,
          actor: actorOf(ctx.io),
          readOnly: opts.readOnly === true,
          version: packageVersion(),
          log: (line) => ctx.io.stderr(`${line}\n`),
        });
      } finally {
        await close();
      }
      ctx.setExit(EXIT_OK);
    });
}
