/**
 * The tools that change nothing: interpret, plan, status, history, logs,
 * drift, audit_verify. Each is one service call and a compact answer.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { CodeError, UsageError } from "../core/errors.js";
import type { Change, CodeService, PlanRequest } from "../service/types.js";
import {
  changePlanAnswer,
  type Detail,
  environmentAnswer,
  historyAnswer,
  interpretAnswer,
  planAnswer,
} from "./answers.js";
import type { McpOptions } from "./context.js";
import { guarded, ok } from "./result.js";
import {
  app,
  auditOutput,
  detail,
  driftOutput,
  environment,
  historyOutput,
  interpretOutput,
  logsOutput,
  planOutput,
  specInput,
  statusOutput,
} from "./schemas.js";

type LogLine = Parameters<Parameters<CodeService["logs"]>[1]>[0];

const read = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** The service's request for words or a spec; neither is a usage error naming both. */
export function planRequestOf(args: {
  text?: string | undefined;
  spec?: Record<string, unknown> | undefined;
  base?: Record<string, unknown> | undefined;
  target?: PlanRequest["target"] | undefined;
  provider?: string | undefined;
  acceptAssumptions?: boolean | undefined;
}): PlanRequest | undefined {
  if (args.text === undefined && args.spec === undefined) return undefined;
  if (args.text !== undefined && args.spec !== undefined)
    throw new UsageError("give text or spec, not both", { hint: "words are read into a spec: send one" });
  return {
    input:
      args.text !== undefined
        ? { text: args.text, ...(args.base ? { base: args.base } : {}) }
        : { spec: args.spec, source: "mcp" },
    ...(args.target ? { target: args.target } : {}),
    ...(args.provider ? { provider: args.provider } : {}),
    ...(args.acceptAssumptions ? { acceptAssumptions: true } : {}),
  };
}

export function registerReadTools(server: McpServer, options: McpOptions): void {
  const { service, memory, actor } = options;
  const run = <T>(body: () => Promise<T>) => guarded(body, options.onError);

  server.registerTool(
    "interpret",
    {
      title: "Words to a deployment spec",
      description:
        "Read a request in words into a DeploymentSpec, with the assumptions made and open questions.",
      inputSchema: z.strictObject({ text: specInput.text.unwrap(), base: specInput.base, detail }),
      outputSchema: interpretOutput,
      annotations: read,
    },
    (args) =>
      run(async () =>
        ok(
          interpretAnswer(
            await service.interpret({ text: args.text, ...(args.base ? { base: args.base } : {}) }),
            args.detail ?? "summary",
          ),
        ),
      ),
  );

  server.registerTool(
    "plan",
    {
      title: "Review a change",
      description:
        "Review a change before it runs: apply (text or spec), rollback or destroy (app, environment). " +
        "Returns the plan, its cost and policy findings, and a planId. Show the plan to the person; " +
        "apply, rollback and destroy need its planId.",
      inputSchema: z.strictObject({
        action: z.enum(["apply", "rollback", "destroy"]).optional().describe("default apply"),
        ...specInput,
        app: app.optional(),
        environment: environment.optional(),
        revision: z.number().int().min(1).optional().describe("rollback: the revision to restore"),
        detail,
      }),
      outputSchema: planOutput,
      annotations: read,
    },
    (args) =>
      run(async () => {
        const level: Detail = args.detail ?? "summary";
        const action = args.action ?? "apply";
        if (action === "apply") {
          const request = planRequestOf(args);
          if (request === undefined)
            throw new UsageError("plan needs text or spec", {
              hint: 'for example text: "deploy nginx to staging"',
            });
          const plan = await service.plan(request);
          const answer = planAnswer(plan, level, plan.environment === "production" ? plan.app : undefined);
          if (plan.planId)
            memory.remember(actor, plan.planId, {
              request,
              app: plan.app,
              environment: plan.environment,
              answer,
            });
          return ok(answer);
        }
        if (args.app === undefined || args.environment === undefined)
          throw new UsageError(`plan of a ${action} needs app and environment`, {
            hint: "see what runs with the status tool",
          });
        const key = { app: args.app, environment: args.environment };
        const change: Change =
          action === "rollback"
            ? await service.rollback({
                ...key,
                ...(args.revision !== undefined ? { revision: args.revision } : {}),
              })
            : await service.destroy(key);
        if (action === "destroy" && !change.changes)
          throw new CodeError("NOT_DEPLOYED", `${key.app}/${key.environment} runs nothing to destroy`, {
            hint: "see what runs with the status tool",
          });
        const answer = changePlanAnswer(change, level);
        if (change.planId) memory.remember(actor, change.planId, { ...key, answer });
        return ok(answer);
      }),
  );

  server.registerTool(
    "status",
    {
      title: "What runs where",
      description: "What runs: revision, last deployment, lock, endpoints (live: ask the provider too).",
      inputSchema: z.strictObject({
        app: app.optional(),
        environment: environment.optional(),
        live: z.boolean().optional(),
        detail,
      }),
      outputSchema: statusOutput,
      annotations: read,
    },
    (args) =>
      run(async () => {
        const answer = await service.status({
          ...(args.app ? { app: args.app } : {}),
          ...(args.environment ? { environment: args.environment } : {}),
          ...(args.live ? { live: true } : {}),
        });
        const level = args.detail ?? "summary";
        return ok({ environments: answer.environments.slice(0, 50).map((e) => environmentAnswer(e, level)) });
      }),
  );

  server.registerTool(
    "history",
    {
      title: "Deployments and revisions",
      description: "Deployments (newest first) and revisions of an app.",
      inputSchema: z.strictObject({
        app,
        environment: environment.optional(),
        limit: z.number().int().min(1).max(100).optional().describe("default 10"),
        detail,
      }),
      outputSchema: historyOutput,
      annotations: read,
    },
    (args) =>
      run(async () => {
        const limit = args.limit ?? 10;
        const answer = await service.history({
          app: args.app,
          ...(args.environment ? { environment: args.environment } : {}),
          limit,
        });
        return ok(historyAnswer(answer, limit, args.detail ?? "summary"));
      }),
  );

  server.registerTool(
    "logs",
    {
      title: "Logs of what runs",
      description: "The last lines of an environment's logs (docker provider).",
      inputSchema: z.strictObject({
        app,
        environment,
        service: z.string().min(1).max(63).optional(),
        tail: z.number().int().min(1).max(1000).optional().describe("default 100"),
        timestamps: z.boolean().optional(),
      }),
      outputSchema: logsOutput,
      annotations: { ...read, idempotentHint: false },
    },
    (args, ctx) =>
      run(async () => {
        const tail = args.tail ?? 100;
        const lines: LogLine[] = [];
        const sources = await service.logs(
          {
            app: args.app,
            environment: args.environment,
            tail,
            ...(args.service ? { service: args.service } : {}),
            ...(args.timestamps ? { timestamps: true } : {}),
          },
          (line) => {
            lines.push(line);
            // Bounded whatever the provider sends: the last `tail` lines are kept.
            if (lines.length > tail) lines.shift();
          },
          ctx.mcpReq.signal,
        );
        return ok({ sources, lines: lines.map((l) => `${l.source}| ${l.text.slice(0, 500)}`) });
      }),
  );

  server.registerTool(
    "drift",
    {
      title: "What changed by hand",
      description:
        "Compare what runs with the last applied revision, field by field, changing nothing. " +
        "drifted: false when they match; each item names the object, the field (JSON pointer) and who changed it.",
      inputSchema: z.strictObject({ app, environment, detail }),
      outputSchema: driftOutput,
      annotations: read,
    },
    (args) =>
      run(async () => {
        const answer = await service.drift({ app: args.app, environment: args.environment });
        // Compact: the first 20 differences with short values; `full` gives all of them as found.
        const full = args.detail === "full";
        const short = (v: unknown) => (v === undefined ? undefined : JSON.stringify(v).slice(0, 120));
        const items = (full ? answer.items : answer.items.slice(0, 20)).map((i) =>
          full ? i : { ...i, expected: short(i.expected), actual: short(i.actual) },
        );
        return ok({
          app: answer.app,
          environment: answer.environment,
          provider: answer.provider,
          revision: answer.revision,
          drifted: answer.drifted,
          resources: answer.resources,
          items,
          ...(items.length < answer.items.length ? { more: answer.items.length - items.length } : {}),
          ignored: answer.ignored,
        });
      }),
  );

  server.registerTool(
    "audit_verify",
    {
      title: "Verify the audit log",
      description: "Check the audit log's hash chain; give head (seq:mac) to also check nothing was cut off.",
      inputSchema: z.strictObject({ head: z.string().max(200).optional() }),
      outputSchema: auditOutput,
      annotations: read,
    },
    (args) =>
      run(async () => {
        const verification = await service.audit.verify(args.head ? { head: args.head } : {});
        const head = await service.audit.head();
        return ok({ ...verification, ...(head ? { head: head.head } : {}) });
      }),
  );
}
