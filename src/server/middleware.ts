/**
 * The request pipeline around the routes: metrics by route pattern, the
 * per-IP and per-principal token buckets, authentication, and the audit
 * record of every mutating call (written after the answer is known, with
 * the actor and whether it was done, refused or failed).
 */
import { isIP } from "node:net";
import type { Context, MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { CodeError } from "../core/errors.js";
import type { Authenticator } from "./auth/authenticate.js";
import type { AppEnv, ServerDeps } from "./context.js";
import { HttpError } from "./errors.js";
import type { ServerLogger } from "./logger.js";
import type { ServerMetrics } from "./metrics.js";
import type { RateDecision, RateLimiter } from "./rate-limit.js";

export function requestMetrics(metrics: ServerMetrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const route = c.res.status === 404 && isCatchAll(routePath(c, -1)) ? "unmatched" : routePath(c, -1);
    metrics.observeRequest(c.req.method, route, c.res.status, (performance.now() - started) / 1000);
  };
}

/** Probes and scrapes: frequent and uninteresting while they succeed. */
const QUIET_PATHS: ReadonlySet<string> = new Set(["/healthz", "/readyz", "/metrics"]);

/** The access log: one line per request with who asked, what for, the answer and how long it took. */
export function accessLog(
  logger: ServerLogger,
  clientIp: (c: Context<AppEnv>) => string,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    if (status < 400 && QUIET_PATHS.has(c.req.path)) return;
    const principal = c.get("principal");
    logger.log(status >= 500 ? "error" : "info", `${c.req.method} ${c.req.path} ${status}`, {
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      ip: clientIp(c),
      ...(principal ? { actor: principal.actor } : {}),
    });
  };
}

function isCatchAll(path: string): boolean {
  return path === "*" || path === "/*" || path.endsWith("/*");
}

export interface GuardOptions {
  readonly auth: Authenticator;
  readonly limiter: RateLimiter;
  readonly clientIp: (c: Context<AppEnv>) => string;
}

/** IP bucket first (so floods of bad tokens are limited too), then the token, then the principal's bucket. */
export function guard(options: GuardOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    limitOrThrow(await options.limiter.take(`ip:${options.clientIp(c)}`));
    const principal = await options.auth.authenticate(c.req.header("authorization"));
    limitOrThrow(await options.limiter.take(principal.id));
    c.set("principal", principal);
    await next();
  };
}

function limitOrThrow(decision: RateDecision): void {
  if (decision.allowed) return;
  const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  throw new HttpError(429, "RATE_LIMITED", "too many requests", {
    hint: `retry after ${seconds} s`,
    headers: { "Retry-After": String(seconds) },
  });
}

/** Writes the audit record of a mutating call once its answer is known. */
export function audited(
  deps: Pick<ServerDeps, "store" | "logger">,
  command: string,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const principal = c.get("principal");
    if (principal === undefined) return;
    const status = c.res.status;
    const note = c.get("audit") ?? {};
    try {
      await deps.store.appendAudit({
        actor: principal.actor,
        command: `api:${command}`,
        ...(note.target !== undefined ? { target: note.target } : {}),
        outcome: status < 400 ? "ok" : status < 500 ? "refused" : "failed",
        details: {
          status,
          requestId: c.get("requestId"),
          via: principal.kind,
          // Why it was refused (SECRET_FORBIDDEN, LOCKED...): the code only, never the message.
          ...(c.error instanceof CodeError ? { error: c.error.code } : {}),
          ...note.details,
        },
      });
    } catch (error) {
      deps.logger.log("error", `could not write the audit record of ${command}`, { error });
    }
  };
}

/**
 * The client's address. Without a trusted proxy: the socket's peer, and X-Forwarded-For is
 * ignored (anyone can write it). Behind `trustProxy` hops (true = 1), each trusted proxy
 * appended the address it saw, so the client is the entry that many places from the right;
 * what stands left of it was written by the client and is never believed.
 */
export function clientIpResolver(
  trustProxy: boolean | number,
  peer: (c: Context<AppEnv>) => string | undefined,
): (c: Context<AppEnv>) => string {
  const hops = trustProxy === true ? 1 : trustProxy === false ? 0 : trustProxy;
  return (c) => {
    const direct = peer(c) ?? "unknown";
    if (hops === 0) return direct;
    const chain = (c.req.header("x-forwarded-for") ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter((entry) => entry !== "");
    if (chain.length === 0) return direct;
    const client = chain[Math.max(0, chain.length - hops)] ?? "";
    // A trusted proxy writes an address; anything else means the header did not come from it.
    return isIP(client) === 0 ? direct : client;
  };
}
