/**
 * `{spec}` or `{text}` in a request body -> a validated DeploymentSpec. Words
 * go through the server's interpreter (the rules, or the model codeploy.yaml
 * configures), whose tokens and cost are counted in /metrics. Spec problems
 * come back with paths from the body's root (`spec.services[1].replicas`), the
 * same as the request validator's.
 */
import type { z } from "zod";
import { SpecValidationError, UsageError } from "../core/errors.js";
import { gateApply } from "../intent/action-gate.js";
import type { InterpretOptions, InterpretResult, InterpretUsage } from "../intent/interpreter.js";
import type { DeploymentSpec, Target } from "../spec/schema.js";
import { issuesOf, validateSpec } from "../spec/validate.js";
import type { ServerDeps } from "./context.js";
import { HttpError } from "./errors.js";

export interface SpecFromBody {
  readonly spec: DeploymentSpec;
  readonly request?: string;
  readonly interpreter?: string;
  readonly usage?: InterpretUsage;
  readonly assumptions: readonly string[];
  readonly questions: readonly string[];
}

export interface SpecBody {
  readonly spec?: unknown;
  readonly text?: string;
  readonly target?: Target;
}

type InterpretDeps = Pick<ServerDeps, "interpreter" | "metrics">;
type SpecDeps = InterpretDeps & Pick<ServerDeps, "limits">;

const COMPONENT_LISTS = ["services", "databases", "caches", "queues", "buckets"] as const;

/**
 * Refuses a spec with more components than server.maxComponents (413) before it is validated
 * or planned: one request must not hold the server's planning for long.
 */
export function checkComponentCount(spec: unknown, max: number): void {
  if (spec === null || typeof spec !== "object") return;
  const lists: Record<string, unknown> = { ...spec };
  const count = COMPONENT_LISTS.reduce((n, key) => {
    const list = lists[key];
    return n + (Array.isArray(list) ? list.length : 0);
  }, 0);
  if (count <= max) return;
  throw new HttpError(
    413,
    "TOO_MANY_COMPONENTS",
    `the spec has ${count} components (services, databases, caches, queues and buckets); this server accepts at most ${max} (server.maxComponents)`,
    {
      hint: "split the app into several specs, or raise server.maxComponents in codeploy.yaml",
      details: { components: count, limit: max },
    },
  );
}

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

/** For POST /v1/deployments: words pass the action gate (src/intent/action-gate.ts) before anything runs. */
export interface DeployGate {
  readonly acceptAssumptions?: boolean;
  /** Whether an app of that name already runs in that environment. */
  readonly exists: (app: string, environment: string) => Promise<boolean>;
}

export async function specFromBody(deps: SpecDeps, body: SpecBody, gate?: DeployGate): Promise<SpecFromBody> {
  if (body.text !== undefined) {
    const result = await interpretText(deps, body.text);
    checkComponentCount(result.spec, deps.limits.maxComponents);
    if (gate) {
      const existing = await gate.exists(result.spec.name, result.spec.environment);
      gateApply(result, {
        surface: "api",
        existing,
        ...(gate.acceptAssumptions ? { acceptAssumptions: true } : {}),
      });
    }
    if (result.action !== "deploy" && result.action !== "scale") {
      throw new UsageError(`the request asks to ${result.action}, not to deploy`, {
        hint: "use POST /v1/apps/{app}/environments/{env}/rollback, DELETE /v1/apps/{app}/environments/{env} or GET the status instead",
      });
    }
    const spec = body.target ? validateAt({ ...result.spec, target: body.target }) : result.spec;
    return {
      spec,
      request: body.text,
      interpreter: result.interpreter,
      ...(result.usage ? { usage: result.usage } : {}),
      assumptions: result.assumptions,
      questions: result.questions,
    };
  }
  checkComponentCount(body.spec, deps.limits.maxComponents);
  const raw = body.target ? { ...asObject(body.spec), target: body.target } : body.spec;
  return { spec: validateAt(raw), assumptions: [], questions: [] };
}

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" ? { ...value } : {};
}

/** validateSpec with the issue paths prefixed by `spec`. */
export function validateAt(value: unknown, prefix = "spec"): DeploymentSpec {
  try {
    return validateSpec(value);
  } catch (error) {
    if (!(error instanceof SpecValidationError)) throw error;
    throw new SpecValidationError(
      error.issues.map((i) => ({ path: i.path ? `${prefix}.${i.path}` : prefix, message: i.message })),
    );
  }
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
