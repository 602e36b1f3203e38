/** Sign in with an API key or a JWT (checked by the API's authenticator), sign out (the session is revoked). */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../server/context.js";
import { HttpError } from "../server/errors.js";
import { record } from "./record.js";
import { ErrorBox, Layout } from "./views/layout.js";
import {
  checkOrigin,
  clearSessionCookie,
  type DashboardContext,
  errorPage,
  formOf,
  html,
  rateLimit,
  setSessionCookie,
  signedIn,
} from "./visit.js";

const MAX_TOKEN = 8192;

/** Only a path of this site: never `//evil.example` or `https://...`. */
function safeNext(next: string | undefined): string {
  return next !== undefined && /^\/(?!\/)[\w\-./%?=&]*$/.test(next) && !next.includes("\\") ? next : "/";
}

function SignIn(props: {
  next: string;
  error?: { code: string; message: string; hint?: string | undefined };
}) {
  return (
    <Layout title="Sign in">
      <form method="post" action="/ui/sign-in" class="stack narrow">
        {props.error ? <ErrorBox {...props.error} /> : null}
        <input type="hidden" name="next" value={props.next} />
        <label for="token">API key or JWT</label>
        <input id="token" name="token" type="password" required autocomplete="off" maxlength={MAX_TOKEN} />
        <button type="submit">Sign in</button>
        <p class="hint">
          Create a key with <code>codeploy keys create NAME --role viewer|deployer|admin</code>. The token
          stays on the server; your browser keeps only a session cookie.
        </p>
      </form>
    </Layout>
  );
}

export function registerSessionRoutes(app: OpenAPIHono<AppEnv>, ctx: DashboardContext): void {
  app.get("/ui/sign-in", (c) => html(c, <SignIn next={safeNext(c.req.query("next"))} />));

  app.post("/ui/sign-in", async (c) => {
    try {
      checkOrigin(c, ctx);
      await rateLimit(ctx, `ip:${ctx.clientIp(c)}`);
      const form = formOf(await c.req.parseBody());
      const token = (form.token ?? "").trim();
      const next = safeNext(form.next);
      if (token === "" || token.length > MAX_TOKEN)
        throw new HttpError(400, "BAD_REQUEST", "paste an API key or a JWT", {
          hint: "keys start with cdp_",
        });
      let principal: Awaited<ReturnType<typeof ctx.deps.auth.authenticate>>;
      try {
        principal = await ctx.deps.auth.authenticate(`Bearer ${token}`);
      } catch (error) {
        if (error instanceof HttpError && error.status === 401) {
          return html(
            c,
            <SignIn
              next={next}
              error={{
                code: error.code,
                message: error.message,
                hint: "check the key, or ask an admin for one",
              }}
            />,
            403,
          );
        }
        throw error;
      }
      const session = await ctx.sessions.open({ token, actor: principal.actor });
      setSessionCookie(c, ctx, session.id);
      await record(ctx, principal.actor, "ui:sign-in", undefined, "ok", { via: principal.kind });
      return c.redirect(next, 303);
    } catch (error) {
      return errorPage(c, error);
    }
  });

  app.post(
    "/ui/sign-out",
    signedIn(
      ctx,
      async (c, visit) => {
        await ctx.sessions.revoke(visit.sessionId);
        clearSessionCookie(c, ctx);
        await record(ctx, visit.principal.actor, "ui:sign-out", undefined, "ok", {});
        return c.redirect("/ui/sign-in", 303);
      },
      true,
    ),
  );
}
