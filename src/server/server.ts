/**
 * A listening server (`codeploy serve`): the app on a Node HTTP server, and
 * the graceful stop that SIGTERM triggers: stop accepting connections, let
 * running deployments finish within the grace period (new ones get 503),
 * cancel the rest so they are recorded as cancelled, end event streams,
 * close the sockets.
 */
import { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { CodeError } from "../core/errors.js";
import { type AppOptions, type CodeployApp, createApp } from "./app.js";
import type { ShutdownReport } from "./runs.js";

export interface StartOptions extends AppOptions {
  /** 0 picks a free port. @default 8080 */
  readonly port?: number;
  /** @default "127.0.0.1" */
  readonly host?: string;
}

export interface RunningServer {
  /** `http://host:port`. */
  readonly url: string;
  readonly port: number;
  readonly api: CodeployApp;
  /** The graceful stop; a second call waits for the first. */
  close(graceMs: number): Promise<ShutdownReport>;
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const api = createApp(options);
  const host = options.host ?? "127.0.0.1";
  const { server, address } = await listen(api, options.port ?? 8080, host);
  api.driftWatch?.start();
  api.gitopsWatch?.start();
  const shownHost = host.includes(":") ? `[${host}]` : host;
  let closing: Promise<ShutdownReport> | undefined;
  const close = async (graceMs: number): Promise<ShutdownReport> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const report = await api.shutdown(graceMs);
    // Event streams have ended; what is left are idle keep-alive sockets and stragglers.
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), 1000);
    await closed;
    clearTimeout(force);
    await api.close();
    return report;
  };
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    api,
    close: (graceMs) => {
      closing ??= close(graceMs);
      return closing;
    },
  };
}

function listen(api: CodeployApp, port: number, hostname: string) {
  return new Promise<{ server: Server; address: AddressInfo }>((resolve, reject) => {
    const server = serve({ fetch: api.app.fetch, port, hostname }, (info) => {
      // serve() makes a node:http server unless told otherwise; the narrowing keeps its close methods typed.
      if (server instanceof Server) resolve({ server, address: info });
      else reject(new CodeError("LISTEN", "unexpected server type"));
    });
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        new CodeError("LISTEN", `cannot listen on ${hostname}:${port}: ${error.code ?? error.message}`, {
          cause: error,
          hint:
            error.code === "EADDRINUSE"
              ? "pick another --port, or stop the process using it"
              : "check --host",
        }),
      );
    });
  });
}
