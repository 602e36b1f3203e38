/** The Circle of Experts screen on the service's experts (the same gates, limits and records as the API). */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../server/context.js";
import { HttpError } from "../server/errors.js";
import { ConsultationPage, ExpertsPage } from "./views/experts.js";
import { Layout } from "./views/layout.js";
import { type DashboardContext, html, param, signedIn } from "./visit.js";

const MAX_QUESTION = 20_000;

export function registerExpertsPages(app: OpenAPIHono<AppEnv>, ctx: DashboardContext): void {
  app.get(
    "/ui/experts",
    signedIn(ctx, async (c, visit) => {
      // Without probing: the page answers at once; asking tells whether a member answers.
      const members = await visit.service.experts.members({ probe: false });
      const history = await visit.service.experts.history({ limit: 20 });
      return html(
        c,
        <Layout title="Circle of Experts" viewer={visit.viewer}>
          <ExpertsPage viewer={visit.viewer} members={members} history={history} question="" />
        </Layout>,
      );
    }),
  );

  app.post(
    "/ui/experts/ask",
    signedIn(
      ctx,
      async (c, visit) => {
        const question = (visit.form.question ?? "").trim();
        if (question === "" || question.length > MAX_QUESTION)
          throw new HttpError(400, "BAD_REQUEST", "ask a question", {
            hint: `at most ${MAX_QUESTION} characters`,
          });
        const consultation = await visit.service.experts.ask({ question }, c.req.raw.signal);
        return c.redirect(`/ui/experts/${encodeURIComponent(consultation.id)}`, 303);
      },
      true,
    ),
  );

  app.get(
    "/ui/experts/:id",
    signedIn(ctx, async (c, visit) => {
      const consultation = await visit.service.experts.show(param(c, "id"));
      return html(
        c,
        <Layout title="Consultation" viewer={visit.viewer}>
          <ConsultationPage consultation={consultation} />
        </Layout>,
      );
    }),
  );
}
