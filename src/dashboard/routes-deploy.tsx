/** A new deployment (words or YAML -> reviewed plan -> confirmation -> live) and a deployment's live page. */
import { randomUUID } from "node:crypto";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { parse as parseYaml, stringify } from "yaml";
import { CodeError } from "../core/errors.js";
import { authorize } from "../server/auth/rbac.js";
import type { AppEnv } from "../server/context.js";
import { errorAnswer, HttpError } from "../server/errors.js";
import { readableDeployment, runHooks } from "../server/routes/deployments.js";
import { eventStream } from "../server/sse.js";
import type { SpecInput } from "../service/types.js";
import { isProduction } from "../spec/environment.js";
import { outcomeOf, record } from "./record.js";
import { stepTree } from "./step-tree.js";
import { DeploymentPage, StepTree } from "./views/deployment.js";
import { Layout } from "./views/layout.js";
import { type DraftInput, NewForm, ReviewPage } from "./views/new.js";
import { type DashboardContext, html, param, signedIn, type Visit } from "./visit.js";

const MAX_TEXT = 100_000;

function draftOf(form: Readonly<Record<string, string>>): DraftInput {
  const text = form.text ?? "";
  if (text.trim() === "")
    throw new HttpError(400, "BAD_REQUEST", "say what to deploy", {
      hint: "write words, or paste a spec in YAML",
    });
  if (text.length > MAX_TEXT)
    throw new HttpError(413, "PAYLOAD_TOO_LARGE", `the request is longer than ${MAX_TEXT} characters`);
  return { kind: form.kind === "yaml" ? "yaml" : "words", text };
}

function inputOf(draft: DraftInput): SpecInput {
  if (draft.kind === "words") return { text: draft.text };
  try {
    return { spec: parseYaml(draft.text), source: "dashboard" };
  } catch (error) {
    throw new HttpError(
      400,
      "BAD_REQUEST",
      `the spec is not YAML: ${error instanceof Error ? error.message.split("\n")[0] : ""}`,
      {
        hint: "check the indentation, or choose Words",
      },
    );
  }
}

/** The plan check's refusal in the dashboard's words: nothing was applied, review again. */
function planCheckFailure(error: unknown, target: string): unknown {
  if (!(error instanceof CodeError)) return error;
  const hint = "review the plan again from New deployment, then confirm the new one";
  if (error.code === "PLAN_STALE")
    return new CodeError(
      "PLAN_STALE",
      `${target}: something was deployed since you reviewed this plan; nothing was applied`,
      { hint, cause: error },
    );
  if (error.code === "PLAN_MISMATCH")
    return new CodeError(
      "PLAN_MISMATCH",
      `${target}: the plan is no longer the one you reviewed; nothing was applied`,
      { hint, cause: error },
    );
  return error;
}

async function currentYaml(
  ctx: DashboardContext,
  visit: Visit,
  app: string,
  environment: string,
): Promise<string> {
  const [status] = (await visit.service.status({ app, environment, brief: true })).environments;
  if (status?.currentRevision === undefined) return "";
  const revision = await ctx.deps.store.getRevision({ app, environment }, status.currentRevision);
  return revision === undefined ? "" : stringify(revision.spec);
}

export function registerDeployPages(app: OpenAPIHono<AppEnv>, ctx: DashboardContext): void {
  app.get(
    "/ui/new",
    signedIn(ctx, async (c, visit) => {
      const name = c.req.query("app");
      const environment = c.req.query("env");
      let draft: DraftInput = { kind: "words", text: "" };
      if (name && environment) {
        const yaml = await currentYaml(ctx, visit, name, environment);
        if (yaml !== "") draft = { kind: "yaml", text: yaml };
      }
      return html(
        c,
        <Layout title="New deployment" viewer={visit.viewer}>
          <NewForm viewer={visit.viewer} draft={draft} />
        </Layout>,
      );
    }),
  );

  app.post(
    "/ui/new/plan",
    signedIn(
      ctx,
      async (c, visit) => {
        const draft = draftOf(visit.form);
        try {
          const plan = await visit.service.plan({ input: inputOf(draft) });
          const key = { app: plan.app, environment: plan.environment };
          // The draft stays here (it may hold secret literals); the confirmation form carries its id.
          const draftId = await ctx.drafts.save(visit.sessionId, { ...draft, ...key, planId: plan.planId });
          // The files the plan renders beside those of what runs, both redacted by the service.
          const [planned, running] = await Promise.all([
            visit.service.artifacts({ spec: plan.spec }),
            visit.service.artifacts(key),
          ]);
          return html(
            c,
            <Layout title={`Plan for ${plan.app}/${plan.environment}`} viewer={visit.viewer}>
              <ReviewPage
                viewer={visit.viewer}
                draftId={draftId}
                plan={plan}
                specYaml={stringify(plan.spec)}
                currentYaml={await currentYaml(ctx, visit, plan.app, plan.environment)}
                artifacts={{ planned, running }}
                production={isProduction(plan.spec)}
              />
            </Layout>,
          );
        } catch (error) {
          const answer = errorAnswer(error, c.get("requestId"));
          if (answer.unexpected) throw error;
          return html(
            c,
            <Layout title="New deployment" viewer={visit.viewer}>
              <NewForm viewer={visit.viewer} draft={draft} error={answer.body.error} />
            </Layout>,
            422,
          );
        }
      },
      true,
    ),
  );

  app.post(
    "/ui/new/apply",
    signedIn(
      ctx,
      async (c, visit) => {
        const draftId = visit.form.draft ?? "";
        let target: string | undefined;
        try {
          // A role that may not deploy hears so, rather than about drafts (the service checks again).
          authorize(visit.principal, "deploy");
          const draft = await ctx.drafts.open(visit.sessionId, draftId);
          target = `${draft.app}/${draft.environment}`;
          const change = await visit.service
            .apply({
              input: inputOf(draft),
              // What was reviewed, or nothing: not a plan made from words read again, nor on top of a deployment since.
              ...(draft.planId !== undefined ? { expectPlan: draft.planId } : {}),
              ...(visit.form.acceptAssumptions === "yes" ? { acceptAssumptions: true } : {}),
              ...(visit.form.acceptRisk === "yes" ? { acceptRisk: true } : {}),
            })
            .catch((error: unknown) => {
              throw planCheckFailure(error, `${draft.app}/${draft.environment}`);
            });
          const typed = (visit.form.typed ?? "").trim();
          if (change.confirm.typeToConfirm !== undefined && typed !== change.confirm.typeToConfirm)
            throw new HttpError(
              400,
              "BAD_REQUEST",
              `type the app name "${change.confirm.typeToConfirm}" to ${change.confirm.what}`,
              {
                hint: "go back to the plan and type the name in the confirmation field",
              },
            );
          // A refused plan: running it throws the refusal with its findings.
          if (change.plan && !change.plan.approved && visit.form.acceptRisk !== "yes") await change.run();
          // Used once: a replayed form, a second click or a confirmation on another server stops here.
          await ctx.drafts.consume(visit.sessionId, draftId);
          if (!change.changes) {
            await record(ctx, visit.principal.actor, "ui:deploy", target, "ok", { unchanged: true });
            return html(
              c,
              <Layout title="Nothing to change" viewer={visit.viewer}>
                <p>What runs in {target} already matches this spec.</p>
                {change.current?.deployment ? (
                  <a href={`/ui/deployments/${change.current.deployment}`}>The deployment that made it run</a>
                ) : null}
              </Layout>,
            );
          }
          const id = randomUUID();
          const admission = ctx.deps.runs.admit((run) =>
            change.run(runHooks(run, id)).catch((error: unknown) => {
              throw planCheckFailure(error, target ?? "");
            }),
          );
          await record(ctx, visit.principal.actor, "ui:deploy", target, "ok", {
            deployment: id,
            queued: admission.position,
            ...(change.planId !== undefined ? { planId: change.planId } : {}),
          });
          if (admission.position > 0) admission.recorded.catch(() => {});
          else await admission.recorded;
          return c.redirect(`/ui/deployments/${id}`, 303);
        } catch (error) {
          await record(ctx, visit.principal.actor, "ui:deploy", target, outcomeOf(error), {});
          throw error;
        }
      },
      true,
    ),
  );

  app.get(
    "/ui/deployments/:id",
    signedIn(ctx, async (c, visit) => {
      const d = await readableDeployment(c, ctx.deps, param(c, "id"));
      const tree = stepTree(await ctx.deps.store.listEvents(d.id));
      return html(
        c,
        <Layout title={`Deployment #${d.number} of ${d.app}/${d.environment}`} viewer={visit.viewer}>
          <DeploymentPage deployment={d} tree={tree} />
        </Layout>,
      );
    }),
  );

  app.get(
    "/ui/deployments/:id/tree",
    signedIn(ctx, async (c) => {
      const d = await readableDeployment(c, ctx.deps, param(c, "id"));
      return html(c, <StepTree deployment={d} tree={stepTree(await ctx.deps.store.listEvents(d.id))} />);
    }),
  );

  app.get(
    "/ui/deployments/:id/events",
    signedIn(ctx, async (c) => {
      const d = await readableDeployment(c, ctx.deps, param(c, "id"));
      const header = c.req.header("last-event-id");
      const after = header !== undefined && /^\d{1,15}$/.test(header) ? Number(header) : 0;
      return eventStream(c, ctx.deps, d.id, after);
    }),
  );
}
