/**
 * Resources: per app and environment the spec that runs, the last plan this
 * server made and the history; and the DeploymentSpec JSON Schema. Listing
 * covers what the caller may see (the service filters), at most 50 environments.
 */
import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/server";
import { NotFoundError } from "../core/errors.js";
import { deploymentSpecJsonSchema } from "../spec/json-schema.js";
import { historyAnswer } from "./answers.js";
import type { McpOptions } from "./context.js";

const json = (uri: URL, value: unknown) => ({
  contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(value) }],
});

const MAX_LISTED = 50;

/** One URI variable as a single value (a template variable may come as a list). */
const one = (value: string | string[] | undefined): string =>
  decodeURIComponent(String([value ?? ""].flat()[0] ?? ""));

export function registerResources(server: McpServer, options: McpOptions): void {
  const { service, memory, actor } = options;

  server.registerResource(
    "deployment-spec-schema",
    "codeploy://schema/deployment-spec",
    { title: "DeploymentSpec JSON Schema", mimeType: "application/schema+json" },
    (uri) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: "application/schema+json",
          text: JSON.stringify(deploymentSpecJsonSchema()),
        },
      ],
    }),
  );

  const lister = (kind: string, title: string) => async () => {
    const { environments } = await service.status();
    return {
      resources: environments.slice(0, MAX_LISTED).map((e) => ({
        uri: `codeploy://apps/${encodeURIComponent(e.app)}/${encodeURIComponent(e.environment)}/${kind}`,
        name: `${e.app}/${e.environment} ${kind}`,
        title: `${title} of ${e.app} in ${e.environment}`,
        mimeType: "application/json",
      })),
    };
  };

  server.registerResource(
    "spec",
    new ResourceTemplate("codeploy://apps/{app}/{env}/spec", { list: lister("spec", "The spec that runs") }),
    { title: "The spec that runs", mimeType: "application/json" },
    async (uri, variables) => {
      const app = one(variables.app);
      const environment = one(variables.env);
      const [status] = (await service.status({ app, environment })).environments;
      const current = status?.currentRevision;
      const { revisions } = await service.history({ app, environment, limit: 1, specs: true });
      const revision = revisions.find((r) => r.number === current);
      if (revision?.spec === undefined)
        throw new NotFoundError(`${app}/${environment} runs nothing`, {
          hint: "see what runs with the status tool",
        });
      return json(uri, revision.spec);
    },
  );

  server.registerResource(
    "plan",
    new ResourceTemplate("codeploy://apps/{app}/{env}/plan", { list: undefined }),
    { title: "The last plan made here", mimeType: "application/json" },
    (uri, variables) => {
      const last = memory.last(actor, one(variables.app), one(variables.env));
      if (last === undefined)
        throw new NotFoundError("no plan was made for it through this server yet", {
          hint: "call the plan tool",
        });
      return json(uri, last.answer);
    },
  );

  server.registerResource(
    "history",
    new ResourceTemplate("codeploy://apps/{app}/{env}/history", { list: lister("history", "History") }),
    { title: "Deployments and revisions", mimeType: "application/json" },
    async (uri, variables) => {
      const answer = await service.history({
        app: one(variables.app),
        environment: one(variables.env),
        limit: 20,
      });
      return json(uri, historyAnswer(answer, 20, "summary"));
    },
  );
}
