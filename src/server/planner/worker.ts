/**
 * The worker thread of the plan pool: loads the policy rules once, then answers
 * `{id, op, args}` messages with `{id, ok, value}` or `{id, ok: false, error}`.
 */
import { parentPort, workerData } from "node:worker_threads";
import { CodeError } from "../../core/errors.js";
import { builtinRules, loadCustomRules } from "../../policy/index.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import { plannerCore } from "./core.js";
import type { PlannerSettings } from "./types.js";

export type WorkerRequest =
  | {
      readonly id: number;
      readonly op: "review";
      readonly spec: DeploymentSpec;
      readonly current?: DeploymentSpec;
    }
  | {
      readonly id: number;
      readonly op: "render";
      readonly spec: DeploymentSpec;
      readonly secrets: Readonly<Record<string, string>>;
    };

/** An error as data: CodeErrors keep their code, hint and details on the other side. */
export interface WorkerError {
  readonly message: string;
  readonly code?: string;
  readonly hint?: string;
  readonly details?: unknown;
}

export type WorkerAnswer =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: WorkerError };

function errorData(error: unknown): WorkerError {
  if (error instanceof CodeError) {
    return {
      message: error.message,
      code: error.code,
      ...(error.hint !== undefined ? { hint: error.hint } : {}),
      ...(error.details !== undefined
        ? { details: JSON.parse(JSON.stringify(error.details) ?? "null") }
        : {}),
    };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const settings = workerData as PlannerSettings;
  const custom = await loadCustomRules([...settings.ruleModules]);
  const core = plannerCore(
    {
      rules: [...builtinRules, ...custom],
      ...(settings.disabledRules ? { disabledRules: settings.disabledRules } : {}),
      ...(settings.severityOverrides ? { severityOverrides: settings.severityOverrides } : {}),
    },
    {
      ...(settings.secretSeed !== undefined ? { secretSeed: settings.secretSeed } : {}),
      ...(settings.kubernetes ? { kubernetes: settings.kubernetes } : {}),
    },
  );
  port.on("message", (request: WorkerRequest) => {
    let answer: WorkerAnswer;
    try {
      const value =
        request.op === "review"
          ? core.review(request.spec, request.current)
          : core.render(request.spec, request.secrets);
      answer = { id: request.id, ok: true, value };
    } catch (error) {
      answer = { id: request.id, ok: false, error: errorData(error) };
    }
    port.postMessage(answer);
  });
  port.postMessage({ ready: true });
}

await main();
