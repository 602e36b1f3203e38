/**
 * The web dashboard, served by `codeploy serve` at `/` beside the API: pages
 * rendered on the server (Hono JSX) over the same service layer and RBAC as
 * the API, htmx for search as you type, one small script for the live step
 * tree. `dashboard()` is the surface the server mounts.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Surface, SurfaceContext } from "../server/app.js";
import type { AppEnv } from "../server/context.js";
import { may } from "./access.js";
import { loadAssets } from "./assets.js";
import { type DraftLimits, storedDraftStore } from "./drafts.js";
import { registerAppPages } from "./routes-apps.js";
import { registerDeployPages } from "./routes-deploy.js";
import { registerDriftPages } from "./routes-drift.js";
import { registerExpertsPages } from "./routes-experts.js";
import { registerSessionRoutes } from "./routes-session.js";
import { memorySessionStore, type SessionStore } from "./session.js";
import { AuditPage } from "./views/audit.js";
import { Layout } from "./views/layout.js";
import { type DashboardContext, html, signedIn } from "./visit.js";

export interface DashboardOptions {
  /** @default sessions in this process's memory */
  readonly sessions?: SessionStore;
  /**
   * Reviewed drafts are kept in the state store, sealed under a key from `seed` (default: the
   * server's secret seed, CODEPLOY_SECRET_SEED: every server on the database must share it).
   */
  readonly drafts?: DraftLimits & { readonly seed?: string };
}

export function dashboard(options: DashboardOptions = {}): Surface {
  return (app: OpenAPIHono<AppEnv>, surface: SurfaceContext) => {
    const ctx: DashboardContext = {
      ...surface,
      sessions: options.sessions ?? memorySessionStore(),
      drafts: storedDraftStore(surface.deps.store.drafts, {
        seed: surface.deps.renderOptions.secretSeed,
        ...options.drafts,
      }),
    };
    registerAssets(app);
    registerSessionRoutes(app, ctx);
    registerAppPages(app, ctx);
    registerDeployPages(app, ctx);
    registerDriftPages(app, ctx);
    registerExpertsPages(app, ctx);
    app.get("/ui", (c) => c.redirect("/", 301));
    app.get(
      "/ui/audit",
      signedIn(ctx, async (c, visit) => {
        const verification = await visit.service.audit.verify();
        const lines = may(visit.principal, "audit")
          ? await visit.service.audit.list({ limit: 200 })
          : undefined;
        return html(
          c,
          <Layout title="Audit log" viewer={visit.viewer}>
            <AuditPage verification={verification} lines={lines} />
          </Layout>,
        );
      }),
    );
  };
}

function registerAssets(app: OpenAPIHono<AppEnv>): void {
  const assets = loadAssets();
  app.get("/ui/assets/:name", (c) => {
    const asset = assets.get(c.req.param("name"));
    if (asset === undefined) return c.text("not found", 404);
    if (c.req.header("if-none-match") === asset.etag) return c.body(null, 304);
    return c.body(asset.body, 200, {
      "Content-Type": asset.type,
      ETag: asset.etag,
      "Cache-Control": "no-cache",
    });
  });
}
