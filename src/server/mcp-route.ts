/**
 * /mcp: the MCP server (mcp/) for the authenticated caller, over streamable
 * HTTP. In front of it, in this order: the Host and Origin checks (a page on
 * another site must not reach a server on localhost through DNS
 * rebinding), the body limit, then the same guard as /v1 (IP and principal
 * rate limits, the token: never unauthenticated). Each tool call runs on
 * `serviceFor` the caller, so RBAC is the API's; changes run in the server's
 * run slots and every apply, rollback and destroy is written to the audit log.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import {
  hostHeaderValidationResponse,
  localhostAllowedHostnames,
  localhostAllowedOrigins,
  originValidationResponse,
} from "@modelcontextprotocol/server";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ServerConfig } from "../core/config.js";
import { mcpHttpHandler } from "../mcp/http.js";
import { type ChangeCall, createMcpServer, PlanMemory } from "../mcp/server.js";
import type { Change, DeploymentView, RunHooks } from "../service/types.js";
import type { Principal } from "./auth/rbac.js";
import type { AppContext, AppEnv, ServerDeps } from "./context.js";
import { HttpError } from "./errors.js";
import { serviceFor } from "./service.js";

/** A confirmed change in one of the server's run slots; resolves when it has finished. */
function runQueued(deps: ServerDeps, change: Change, hooks: RunHooks): Promise<DeploymentView> {
  return new Promise<DeploymentView>((resolve, reject) => {
    const admission = deps.runs.admit(async (ctx) => {
      try {
        const done = await change.run({
          // Like a deployment started through /v1: it keeps running when the client goes away.
          signal: ctx.signal,
          onStart: (d) => ctx.onStart(d),
          onEvent: (event) => {
            ctx.onEvent(event);
            hooks.onEvent?.(event);
          },
        });
        resolve(done);
        return done;
      } catch (error) {
        reject(error);
        throw error;
      }
    });
    admission.recorded.catch(reject);
  });
}

async function audit(deps: ServerDeps, c: AppContext, principal: Principal, call: ChangeCall): Promise<void> {
  const target = call.app !== undefined ? `${call.app}/${call.environment}` : c.get("audit")?.target;
  try {
    await deps.store.appendAudit({
      actor: principal.actor,
      command: `mcp:${call.tool}`,
      ...(target !== undefined ? { target } : {}),
      outcome: call.outcome,
      details: {
        requestId: c.get("requestId"),
        via: principal.kind,
        ...(call.code !== undefined ? { error: call.code } : {}),
        ...(call.deployment !== undefined ? { deployment: call.deployment } : {}),
      },
    });
  } catch (error) {
    deps.logger.log("error", `could not write the audit record of mcp:${call.tool}`, { error });
  }
}

/** Serves /mcp when server.mcp.enabled; resolves the handler's close for the app's. */
export function registerMcpRoute(
  app: OpenAPIHono<AppEnv>,
  deps: ServerDeps,
  config: ServerConfig,
  guard: MiddlewareHandler<AppEnv>,
  version: string,
): () => Promise<void> {
  const settings = config.mcp;
  if (!settings.enabled) return async () => {};
  const hosts = [...localhostAllowedHostnames(), ...settings.allowedHosts];
  const origins = [...localhostAllowedOrigins(), ...settings.allowedOrigins];
  const memory = new PlanMemory();
  const handler = mcpHttpHandler((error) =>
    deps.logger.log("warn", "MCP request refused", { error: error.message }),
  );
  app.use("/mcp", async (c, next) => {
    const rejected =
      hostHeaderValidationResponse(c.req.raw, hosts) ?? originValidationResponse(c.req.raw, origins);
    if (rejected !== undefined) return rejected;
    await next();
  });
  app.use(
    "/mcp",
    bodyLimit({
      maxSize: config.bodyLimitBytes,
      onError: () => {
        throw new HttpError(
          413,
          "PAYLOAD_TOO_LARGE",
          `the request body is larger than ${config.bodyLimitBytes} bytes`,
        );
      },
    }),
  );
  app.use("/mcp", guard);
  app.all("/mcp", (c) => {
    const principal = c.get("principal");
    const service = serviceFor(deps, principal, c);
    return handler.fetch(c.req.raw, () =>
      createMcpServer({
        service,
        actor: principal.actor,
        memory,
        readOnly: settings.readOnly,
        version,
        run: (change, hooks) => runQueued(deps, change, hooks),
        onChange: (call) => audit(deps, c, principal, call),
        onError: (error) =>
          deps.logger.log("error", "MCP tool failed", { requestId: c.get("requestId"), error }),
      }),
    );
  });
  return () => handler.close();
}
