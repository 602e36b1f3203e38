/**
 * Who is visiting: the session cookie -> the server-side session -> the
 * token authenticated again by the API's authenticator -> the principal and
 * its service. Mutations must carry the session's CSRF token and come from
 * this origin. Handlers get a `Visit`; failures become an error page.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { JSX } from "hono/jsx/jsx-runtime";
import type { SurfaceContext } from "../server/app.js";
import type { Principal } from "../server/auth/rbac.js";
import type { AppEnv } from "../server/context.js";
import { errorAnswer, HttpError } from "../server/errors.js";
import { serviceFor } from "../server/service.js";
import type { CodeService } from "../service/types.js";
import type { DraftStore } from "./drafts.js";
import { csrfMatches, type Session, type SessionStore } from "./session.js";
import { ErrorBox, Layout, type Viewer } from "./views/layout.js";

export interface DashboardContext extends SurfaceContext {
  readonly sessions: SessionStore;
  /** Reviewed new-deployment drafts: they stay on the server, the page carries an id. */
  readonly drafts: DraftStore;
}

export interface Visit {
  readonly principal: Principal;
  readonly session: Session;
  readonly sessionId: string;
  readonly viewer: Viewer;
  readonly service: CodeService;
  /** The submitted form of a mutation (already CSRF-checked). */
  readonly form: Readonly<Record<string, string>>;
}

type Ctx = Context<AppEnv>;

/** Whether the browser reached us over https (directly, or through a trusted proxy that says so). */
export function isHttps(c: Ctx, trustProxy: boolean | number): boolean {
  if (new URL(c.req.url).protocol === "https:") return true;
  return trustProxy !== false && trustProxy !== 0 && c.req.header("x-forwarded-proto") === "https";
}

/** `__Host-` binds the cookie to this host and path / (browsers require Secure for it). */
export const cookieName = (secure: boolean) => (secure ? "__Host-codeploy_session" : "codeploy_session");

export function setSessionCookie(c: Ctx, ctx: DashboardContext, id: string): void {
  const secure = isHttps(c, ctx.trustProxy);
  setCookie(c, cookieName(secure), id, { httpOnly: true, sameSite: "Strict", secure, path: "/" });
}

export function clearSessionCookie(c: Ctx, ctx: DashboardContext): void {
  const secure = isHttps(c, ctx.trustProxy);
  deleteCookie(c, cookieName(secure), { path: "/", secure });
}

/**
 * Mutations come from our own pages. Browsers say where a request comes from in
 * Sec-Fetch-Site (anything but same-origin is refused); without it, an Origin
 * header must be ours ("null", sent for opaque origins, is not).
 */
export function checkOrigin(c: Ctx, ctx: DashboardContext): void {
  const site = c.req.header("sec-fetch-site");
  const origin = c.req.header("origin");
  const ok =
    site !== undefined ? site === "same-origin" : origin === undefined || ownOrigins(c, ctx).includes(origin);
  if (!ok)
    throw new HttpError(403, "FORBIDDEN", "this form was sent from another site", {
      hint: "use the dashboard's own pages",
    });
}

function ownOrigins(c: Ctx, ctx: DashboardContext): string[] {
  const own = [new URL(c.req.url).origin];
  const host = c.req.header("host");
  if (host) own.push(`${isHttps(c, ctx.trustProxy) ? "https" : "http"}://${host}`);
  return own;
}

export async function rateLimit(ctx: DashboardContext, key: string): Promise<void> {
  const decision = await ctx.limiter.take(key);
  if (decision.allowed) return;
  const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  throw new HttpError(429, "RATE_LIMITED", "too many requests", { hint: `retry after ${seconds} s` });
}

async function visitOf(c: Ctx, ctx: DashboardContext): Promise<Omit<Visit, "form"> | undefined> {
  const id = getCookie(c, cookieName(isHttps(c, ctx.trustProxy)));
  if (id === undefined || id.length > 100) return undefined;
  const session = await ctx.sessions.get(id);
  if (session === undefined) return undefined;
  let principal: Principal;
  try {
    principal = await ctx.deps.auth.authenticate(`Bearer ${session.token}`);
  } catch {
    // The key was revoked or expired, or the JWT ran out: the session ends with it.
    await ctx.sessions.revoke(id);
    return undefined;
  }
  c.set("principal", principal);
  return {
    principal,
    session,
    sessionId: id,
    viewer: { principal, csrf: session.csrf },
    service: serviceFor(ctx.deps, principal),
  };
}

export async function html(
  c: Ctx,
  element: JSX.Element,
  status: 200 | 400 | 403 | 404 | 409 | 422 | 429 | 500 | 503 = 200,
) {
  return c.html(`<!doctype html>${String(await element)}`, status);
}

export function errorPage(c: Ctx, error: unknown, viewer?: Viewer) {
  const answer = errorAnswer(error, c.get("requestId"));
  const e = answer.body.error;
  const status = answer.status === 401 ? 403 : answer.status;
  return html(
    c,
    <Layout title="Not done" viewer={viewer}>
      <ErrorBox code={e.code} message={e.message} hint={e.hint} />
      <p>
        <a href="/">Back to the apps</a>
      </p>
    </Layout>,
    ([400, 403, 404, 409, 422, 429, 503] as const).find((s) => s === status) ?? 500,
  );
}

type Handler = (c: Ctx, visit: Visit) => Promise<Response>;

/** A page or action for a signed-in visitor; `mutation`: POST with CSRF and origin checks. */
export function signedIn(ctx: DashboardContext, handler: Handler, mutation = false) {
  return async (c: Ctx): Promise<Response> => {
    const partial = await visitOf(c, ctx);
    if (partial === undefined) {
      if (mutation)
        return errorPage(
          c,
          new HttpError(403, "UNAUTHENTICATED", "your session ended", { hint: "sign in again" }),
        );
      const next = c.req.method === "GET" ? `?next=${encodeURIComponent(c.req.path)}` : "";
      return c.redirect(`/ui/sign-in${next}`, 303);
    }
    try {
      await rateLimit(ctx, partial.principal.id);
      let form: Record<string, string> = {};
      if (mutation) {
        checkOrigin(c, ctx);
        form = formOf(await c.req.parseBody());
        const sent = form._csrf ?? c.req.header("x-csrf-token");
        if (!csrfMatches(partial.session, sent))
          throw new HttpError(403, "FORBIDDEN", "the form's CSRF token is missing or stale", {
            hint: "reload the page and send the form again",
          });
      }
      return await handler(c, { ...partial, form });
    } catch (error) {
      if (answerIsUnexpected(error, c))
        ctx.deps.logger.log("error", `${c.req.method} ${c.req.path} failed`, { error });
      return errorPage(c, error, partial.viewer);
    }
  };
}

function answerIsUnexpected(error: unknown, c: Ctx): boolean {
  return errorAnswer(error, c.get("requestId")).unexpected;
}

export function formOf(body: Record<string, unknown>): Record<string, string> {
  const form: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === "string") form[k] = v;
  return form;
}

/** A path parameter of the matched route (always there once the route matched). */
export function param(c: Ctx, name: string): string {
  const value = c.req.param(name);
  if (typeof value !== "string" || value === "")
    throw new HttpError(404, "NOT_FOUND", `no ${name} in the path`);
  return value;
}
