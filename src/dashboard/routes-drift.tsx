/** The drift events of an environment, paged newest first (the service checks the caller may read it). */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../server/context.js";
import { HttpError } from "../server/errors.js";
import { DriftPage } from "./views/drift.js";
import { appPath, Layout } from "./views/layout.js";
import { type DashboardContext, html, param, signedIn } from "./visit.js";

/** Events per page. */
export const DRIFT_PAGE = 25;

/** `before`: absent for the newest page, else the `next` of the page before (a positive event number). */
function beforeOf(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  if (!/^\d{1,15}$/.test(value) || Number(value) < 1)
    throw new HttpError(400, "BAD_REQUEST", `before: "${value.slice(0, 40)}" is not an event number`, {
      hint: "use the Older link, or leave before out for the newest events",
    });
  return Number(value);
}

export function registerDriftPages(app: OpenAPIHono<AppEnv>, ctx: DashboardContext): void {
  app.get(
    "/ui/apps/:app/:env/drift",
    signedIn(ctx, async (c, visit) => {
      const name = param(c, "app");
      const environment = param(c, "env");
      const before = beforeOf(c.req.query("before"));
      const page = await visit.service.driftEvents({
        app: name,
        environment,
        limit: DRIFT_PAGE,
        ...(before !== undefined ? { before } : {}),
      });
      return html(
        c,
        <Layout title={`Drift of ${name}/${environment}`} viewer={visit.viewer}>
          <DriftPage base={appPath(name, environment)} page={page} before={before} />
        </Layout>,
      );
    }),
  );
}
