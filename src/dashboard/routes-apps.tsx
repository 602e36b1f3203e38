/** The apps list, one environment, its history with compare, and rollback with a reason. */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { stringify } from "yaml";
import { estimateCost } from "../cost/index.js";
import { authorize } from "../server/auth/rbac.js";
import type { AppEnv } from "../server/context.js";
import { HttpError, notFound } from "../server/errors.js";
import { runHooks } from "../server/routes/deployments.js";
import type { DeploymentSpec } from "../spec/schema.js";
import { validateSpec } from "../spec/validate.js";
import type { Revision } from "../state/types.js";
import { parseAppsQuery, readAppsPage } from "./apps-query.js";
import { healthChecker } from "./health.js";
import { outcomeOf, record } from "./record.js";
import { AppsFilters, AppsResults } from "./views/apps.js";
import { ArtifactsDiff } from "./views/artifacts-diff.js";
import { DiffTable } from "./views/diff.js";
import { EnvironmentPage } from "./views/environment.js";
import { HistoryPage } from "./views/history.js";
import { appPath, Layout } from "./views/layout.js";
import { type DashboardContext, html, param, signedIn, type Visit } from "./visit.js";

const MAX_REASON = 500;
/** Drift events on the environment page; the drift page pages through the rest. */
const LATEST_DRIFT = 5;

/** A stored revision, read after the same RBAC check as the rest of the environment. */
async function revisionOf(
  ctx: DashboardContext,
  visit: Visit,
  app: string,
  environment: string,
  n: number,
): Promise<Revision> {
  authorize(visit.principal, "read", environment);
  const revision =
    Number.isSafeInteger(n) && n > 0 ? await ctx.deps.store.getRevision({ app, environment }, n) : undefined;
  if (revision === undefined) throw notFound(`${app}/${environment} has no revision ${n}`);
  return revision;
}

/** The stored spec as a spec, when it still validates (an old revision may not). */
export function specOf(revision: Revision | undefined): DeploymentSpec | undefined {
  if (revision === undefined) return undefined;
  try {
    return validateSpec(revision.spec);
  } catch {
    return undefined;
  }
}

const yamlOf = (revision: Revision | undefined) => (revision === undefined ? "" : stringify(revision.spec));

const MAX_CACHED_COSTS = 20_000;

/**
 * The monthly estimate of each row's running revision. A revision never changes, so its
 * estimate is kept (bounded): a page of the list reads only revisions it has not priced yet.
 */
function costsOf(ctx: DashboardContext) {
  const cache = new Map<string, string>();
  return async (
    rows: readonly { app: string; environment: string; currentRevision: number | undefined }[],
  ) => {
    const out = new Map<string, string>();
    await Promise.all(
      rows.map(async (r) => {
        if (r.currentRevision === undefined) return;
        const key = JSON.stringify([r.app, r.environment, r.currentRevision]);
        let cost = cache.get(key);
        if (cost === undefined) {
          const spec = specOf(await ctx.deps.store.getRevision(r, r.currentRevision));
          if (spec === undefined) return;
          const estimate = estimateCost(spec);
          cost = `${estimate.monthlyUsd.toFixed(2)} ${estimate.currency}`;
          if (cache.size >= MAX_CACHED_COSTS) cache.clear();
          cache.set(key, cost);
        }
        out.set(`${r.app}/${r.environment}`, cost);
      }),
    );
    return out;
  };
}

export function registerAppPages(app: OpenAPIHono<AppEnv>, ctx: DashboardContext): void {
  const costs = costsOf(ctx);
  const health = healthChecker();

  // The same page of the list, with each row's health from its provider (asked by the page once loaded).
  app.get(
    "/ui/apps-health",
    signedIn(ctx, async (c, visit) => {
      const query = parseAppsQuery(c.req.query());
      const page = await readAppsPage(visit.service, query);
      const [rowCosts, rowHealth] = await Promise.all([costs(page.rows), health(visit.service, page.rows)]);
      c.header("Cache-Control", "no-store");
      return html(
        c,
        <AppsResults
          query={query}
          page={page}
          costs={rowCosts}
          drift={(app, env) => ctx.deps.metrics.driftResources(app, env)}
          health={rowHealth}
          now={Date.now()}
        />,
      );
    }),
  );
  app.get(
    "/",
    signedIn(ctx, async (c, visit) => {
      const query = parseAppsQuery(c.req.query());
      const page = await readAppsPage(visit.service, query);
      const results = (
        <AppsResults
          query={query}
          page={page}
          costs={await costs(page.rows)}
          drift={(app, env) => ctx.deps.metrics.driftResources(app, env)}
          now={Date.now()}
        />
      );
      // htmx asks for the results only (search as you type); restoring history needs the whole page.
      c.header("Vary", "HX-Request, HX-History-Restore-Request");
      if (c.req.header("hx-request") === "true" && c.req.header("hx-history-restore-request") !== "true")
        return html(c, results);
      return html(
        c,
        <Layout title="Apps" viewer={visit.viewer}>
          <AppsFilters query={query} page={page} />
          {results}
        </Layout>,
      );
    }),
  );

  app.get(
    "/ui/apps/:app/:env",
    signedIn(ctx, async (c, visit) => {
      const name = param(c, "app");
      const environment = param(c, "env");
      const [[env], drift] = await Promise.all([
        visit.service.status({ app: name, environment, live: true }).then((s) => s.environments),
        visit.service.driftEvents({ app: name, environment, limit: LATEST_DRIFT }),
      ]);
      if (env === undefined) throw notFound(`${name}/${environment} was never deployed`);
      const revision =
        env.currentRevision === undefined
          ? undefined
          : await revisionOf(ctx, visit, name, environment, env.currentRevision);
      return html(
        c,
        <Layout title={`${name}/${environment}`} viewer={visit.viewer}>
          <EnvironmentPage
            viewer={visit.viewer}
            env={env}
            spec={specOf(revision)}
            specYaml={revision ? yamlOf(revision) : undefined}
            drift={drift}
            now={Date.now()}
          />
        </Layout>,
      );
    }),
  );

  app.get(
    "/ui/apps/:app/:env/history",
    signedIn(ctx, async (c, visit) => {
      const name = param(c, "app");
      const environment = param(c, "env");
      const history = await visit.service.history({ app: name, environment, limit: 100 });
      const [status] = (await visit.service.status({ app: name, environment, brief: true })).environments;
      return html(
        c,
        <Layout title={`History of ${name}/${environment}`} viewer={visit.viewer}>
          <HistoryPage
            viewer={visit.viewer}
            app={name}
            environment={environment}
            base={appPath(name, environment)}
            history={history}
            current={status?.currentRevision}
          />
        </Layout>,
      );
    }),
  );

  app.get(
    "/ui/apps/:app/:env/compare",
    signedIn(ctx, async (c, visit) => {
      const name = param(c, "app");
      const environment = param(c, "env");
      const a = await revisionOf(ctx, visit, name, environment, Number(c.req.query("a")));
      const b = await revisionOf(ctx, visit, name, environment, Number(c.req.query("b")));
      const [aFiles, bFiles] = await Promise.all(
        // A revision written by an older version may no longer validate: the spec diff still shows.
        [a, b].map((r) =>
          visit.service.artifacts({ app: name, environment, revision: r.number }).catch(() => undefined),
        ),
      );
      return html(
        c,
        <Layout title={`${name}/${environment}: revision ${a.number} and ${b.number}`} viewer={visit.viewer}>
          <p>
            <a href={`${appPath(name, environment)}/history`}>Back to the history</a>
          </p>
          <h2>Spec</h2>
          <DiffTable
            before={yamlOf(a)}
            after={yamlOf(b)}
            leftTitle={`revision ${a.number}`}
            rightTitle={`revision ${b.number}`}
          />
          <h2>Rendered artifacts</h2>
          {aFiles && bFiles ? (
            <ArtifactsDiff
              before={aFiles}
              after={bFiles}
              leftTitle={`revision ${a.number}`}
              rightTitle={`revision ${b.number}`}
            />
          ) : (
            <p>
              The artifacts of one of these revisions can no longer be rendered (its spec no longer
              validates).
            </p>
          )}
        </Layout>,
      );
    }),
  );

  app.post(
    "/ui/apps/:app/:env/rollback",
    signedIn(
      ctx,
      async (c, visit) => {
        const name = param(c, "app");
        const environment = param(c, "env");
        const target = `${name}/${environment}`;
        const reason = (visit.form.reason ?? "").trim();
        const revision = Number(visit.form.revision);
        try {
          if (reason === "" || reason.length > MAX_REASON)
            throw new HttpError(400, "BAD_REQUEST", "a rollback needs a reason", {
              hint: `say why in at most ${MAX_REASON} characters; it is recorded in the audit log`,
            });
          const change = await visit.service.rollback({
            app: name,
            environment,
            ...(Number.isSafeInteger(revision) && revision > 0 ? { revision } : {}),
          });
          const d = await ctx.deps.runs.start((run) => change.run(runHooks(run)));
          await record(ctx, visit.principal.actor, "ui:rollback", target, "ok", {
            reason,
            revision: d.revision,
            deployment: d.id,
          });
          return c.redirect(`/ui/deployments/${d.id}`, 303);
        } catch (error) {
          await record(ctx, visit.principal.actor, "ui:rollback", target, outcomeOf(error), { reason });
          throw error;
        }
      },
      true,
    ),
  );
}
