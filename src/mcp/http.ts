/**
 * The MCP server at the API's /mcp: streamable HTTP, stateless, one server
 * instance per request for the authenticated caller. 2026-07-28 requests are
 * served on the modern path; 2025 clients get the stateless legacy fallback
 * from the same factory. Authentication, rate limits, Host and Origin checks
 * happen in front of it (server/mcp-route.ts); this only maps a request to
 * its caller's server.
 */
import { createMcpHandler, type McpServer } from "@modelcontextprotocol/server";

export interface McpHttpHandler {
  /** Answers one HTTP request with the server `make` builds for its caller. */
  fetch(request: Request, make: () => McpServer): Promise<Response>;
  close(): Promise<void>;
}

export function mcpHttpHandler(onError: (error: Error) => void): McpHttpHandler {
  // The factory gets the caller through the token of an AuthInfo that never leaves this process.
  const pending = new Map<string, () => McpServer>();
  let next = 0;
  const handler = createMcpHandler(
    (ctx) => {
      const make = ctx.authInfo === undefined ? undefined : pending.get(ctx.authInfo.token);
      if (make === undefined) throw new Error("an MCP request reached the handler without its caller");
      return make();
    },
    { onerror: onError },
  );
  return {
    async fetch(request, make) {
      const token = `req-${++next}`;
      pending.set(token, make);
      try {
        return await handler.fetch(request, { authInfo: { token, clientId: "codeploy", scopes: [] } });
      } finally {
        pending.delete(token);
      }
    },
    close: () => handler.close(),
  };
}
