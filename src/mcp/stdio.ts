/**
 * `codeploy mcp`: the MCP server over standard input and output for one
 * person's assistant (Claude Code, Claude Desktop), on this machine's
 * service. Both protocol eras: a 2026-07-28 client negotiates with
 * `server/discover`, a 2025 client with `initialize`. Resolves when the
 * client closes standard input.
 */
import { StdioServerTransport, serveStdio } from "@modelcontextprotocol/server/stdio";
import type { CodeService } from "../service/types.js";
import { PlanMemory } from "./memory.js";
import { createMcpServer } from "./server.js";

export interface StdioOptions {
  readonly service: CodeService;
  readonly actor: string;
  readonly readOnly: boolean;
  readonly version: string;
  /** Diagnostics go here (standard error): standard output carries the protocol only. */
  readonly log: (line: string) => void;
}

export async function serveMcpStdio(options: StdioOptions): Promise<void> {
  const memory = new PlanMemory();
  const closed = new Promise<void>((resolve) => {
    process.stdin.once("end", () => resolve());
    process.stdin.once("close", () => resolve());
  });
  const handle = serveStdio(
    () =>
      createMcpServer({
        service: options.service,
        actor: options.actor,
        memory,
        readOnly: options.readOnly,
        version: options.version,
        onError: (error) =>
          options.log(
            `codeploy mcp: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
          ),
      }),
    {
      transport: new StdioServerTransport(),
      onerror: (error) => options.log(`codeploy mcp: ${error.message}`),
    },
  );
  await closed;
  await handle.close();
}
