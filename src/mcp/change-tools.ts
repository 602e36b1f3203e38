/**
 * The tools that change what runs: apply, rollback, destroy. Each needs the
 * planId `plan` returned (the service refuses a change that no longer
 * matches it), and production changes and destroys need `confirm`: the app's
 * name, which the person types. Left out altogether in read-only mode.
 */
import type { McpServer, ServerContext } from "@modelcontextprotocol/server";
import { z } from "zod";
import { errorMapping } from "../core/error-codes.js";
import { CodeError, NotFoundError } from "../core/errors.js";
import type { Change, DeploymentView, RunHooks } from "../service/types.js";
import { deploymentLine } from "./answers.js";
import type { ChangeCall, McpOptions } from "./context.js";
import { toolErrorOf } from "./errors.js";
import { planRequestOf } from "./read-tools.js";
import { guarded, ok } from "./result.js";
import { app, changeOutput, confirm, environment, planId, specInput } from "./schemas.js";

/** The person's typed confirmation, as the CLI asks for it: the app's name, for production and destroy. */
function checkConfirmed(change: Change, given: string | undefined): void {
  const word = change.confirm.typeToConfirm;
  if (word === undefined || given === word) return;
  throw new CodeError(
    "CONFIRMATION_REQUIRED",
    `to ${change.confirm.what}, confirm must be the app's name (${word}), typed by the person`,
    { hint: `show the plan, ask the person to type "${word}", then call again with confirm: "${word}"` },
  );
}

/** Step events as MCP progress notifications, when the client asked for them. */
function progressHooks(ctx: ServerContext): RunHooks {
  const token = ctx.mcpReq._meta?.progressToken;
  let done = 0;
  return {
    signal: ctx.mcpReq.signal,
    ...(token !== undefined
      ? {
          onEvent: (event) => {
            if (event.type !== "step-succeeded" && event.type !== "step-failed") return;
            done++;
            ctx.mcpReq
              .notify({
                method: "notifications/progress",
                params: { progressToken: token, progress: done, message: `${event.type} ${event.stepId}` },
              })
              .catch(() => {});
          },
        }
      : {}),
  };
}

export function registerChangeTools(server: McpServer, options: McpOptions): void {
  const { service, memory, actor } = options;
  const runChange = options.run ?? ((change: Change, hooks: RunHooks) => change.run(hooks));

  /** Confirms, runs and reports one change; every outcome is told to `onChange` (the server's audit). */
  const execute = async (
    tool: ChangeCall["tool"],
    make: () => Promise<Change>,
    given: string | undefined,
    ctx: ServerContext,
  ) => {
    let change: Change | undefined;
    try {
      change = await make();
      if (!change.changes) {
        const current = change.current?.deployment;
        await options.onChange?.({ tool, outcome: "ok", app: change.app, environment: change.environment });
        return ok({
          app: change.app,
          environment: change.environment,
          changed: false,
          note: "what runs already matches: nothing to do",
          ...(current
            ? {
                deployment: {
                  id: current,
                  action: "apply",
                  revision: change.current?.revision ?? 0,
                  outcome: "succeeded",
                },
              }
            : {}),
        });
      }
      // A plan with policy errors: running it throws the refusal, as on the CLI and the API.
      if (change.plan && !change.plan.approved) await change.run();
      checkConfirmed(change, given);
      const deployment: DeploymentView = await runChange(change, progressHooks(ctx));
      const outcome = deployment.outcome === "succeeded" ? "ok" : "failed";
      await options.onChange?.({
        tool,
        outcome,
        app: change.app,
        environment: change.environment,
        deployment: deployment.id,
      });
      const [status] = (await service.status({ app: change.app, environment: change.environment }))
        .environments;
      return ok({
        app: change.app,
        environment: change.environment,
        changed: true,
        deployment: deploymentLine(deployment),
        endpoints: status?.endpoints ?? [],
      });
    } catch (error) {
      // As the API's audit: what the caller could have done otherwise (4xx) is a refusal.
      const refused = error instanceof CodeError && errorMapping(error.code).http < 500;
      await options.onChange?.({
        tool,
        outcome: refused ? "refused" : "failed",
        ...(change ? { app: change.app, environment: change.environment } : {}),
        code: toolErrorOf(error).code,
      });
      throw error;
    }
  };

  const change = { readOnlyHint: false, destructiveHint: true, openWorldHint: false };

  server.registerTool(
    "apply",
    {
      title: "Apply a reviewed plan",
      description:
        "Deploy the plan the person reviewed: its planId, and (optionally) the same text or spec. " +
        "Refused when what runs changed since the plan, or the input is not the one planned.",
      inputSchema: z.strictObject({ planId, ...specInput, confirm }),
      outputSchema: changeOutput,
      annotations: { ...change, idempotentHint: true },
    },
    (args, ctx) =>
      guarded(async () => {
        const given = planRequestOf(args);
        const request = given ?? memory.byPlanId(actor, args.planId)?.request;
        if (request === undefined)
          throw new NotFoundError("this server made no plan with that planId", {
            hint: "send the same text or spec you planned with, or call plan again",
          });
        return execute(
          "apply",
          () => service.apply({ ...request, expectPlan: args.planId }, { signal: ctx.mcpReq.signal }),
          args.confirm,
          ctx,
        );
      }, options.onError),
  );

  const envChange = z.strictObject({ planId, app, environment, confirm });

  server.registerTool(
    "rollback",
    {
      title: "Roll back to a reviewed revision",
      description: "Restore the revision planned with plan (action rollback); needs its planId.",
      inputSchema: envChange.extend({ revision: z.number().int().min(1).optional() }),
      outputSchema: changeOutput,
      annotations: { ...change, idempotentHint: false },
    },
    (args, ctx) =>
      guarded(
        () =>
          execute(
            "rollback",
            () =>
              service.rollback({
                app: args.app,
                environment: args.environment,
                expectPlan: args.planId,
                ...(args.revision !== undefined ? { revision: args.revision } : {}),
              }),
            args.confirm,
            ctx,
          ),
        options.onError,
      ),
  );

  server.registerTool(
    "destroy",
    {
      title: "Destroy an environment",
      description:
        "Remove everything an app runs in an environment, as planned (action destroy); needs planId and confirm.",
      inputSchema: envChange,
      outputSchema: changeOutput,
      annotations: { ...change, idempotentHint: true },
    },
    (args, ctx) =>
      guarded(
        () =>
          execute(
            "destroy",
            () => service.destroy({ app: args.app, environment: args.environment, expectPlan: args.planId }),
            args.confirm,
            ctx,
          ),
        options.onError,
      ),
  );
}
