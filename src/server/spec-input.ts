/**
 * Words through the server's interpreter (the rules, or the model
 * codeploy.yaml configures), whose tokens and cost are counted in /metrics;
 * and the request validator's error, with the path of every problem. Specs
 * are resolved by the service (service/resolve.ts).
 */
import type { z } from "zod";
import type { InterpretOptions, InterpretResult } from "../intent/interpreter.js";
import { issuesOf } from "../spec/validate.js";
import type { ServerDeps } from "./context.js";
import { HttpError } from "./errors.js";

type InterpretDeps = Pick<ServerDeps, "interpreter" | "metrics">;

/** Interprets `text` with the server's interpreter and counts the model's usage. */
export async function interpretText(
  deps: InterpretDeps,
  text: string,
  options: InterpretOptions = {},
): Promise<InterpretResult> {
  const result = await deps.interpreter.interpret(text, options);
  if (result.usage) {
    const { model, inputTokens, outputTokens, costUsd } = result.usage;
    const slash = model.indexOf("/");
    deps.metrics.observeLlmUsage({
      provider: slash > 0 ? model.slice(0, slash) : model,
      model: slash > 0 ? model.slice(slash + 1) : model,
      inputTokens,
      outputTokens,
      costUsd: costUsd ?? 0,
    });
  }
  return result;
}

/** The validator hook's error: every problem with its path in the body, query or path parameters. */
export function requestInvalid(error: z.ZodError, input: unknown, target: string): HttpError {
  const issues = issuesOf(error, input).map((i) => ({
    path: target === "json" ? i.path : `${target}.${i.path}`,
    message: i.message,
  }));
  const lines = issues.map((i) => `${i.path || "(body)"}: ${i.message}`);
  return new HttpError(400, "VALIDATION", `the request is invalid:\n  ${lines.join("\n  ")}`, {
    hint: "fix the fields listed; GET /openapi.json describes every request",
    details: { issues },
  });
}
