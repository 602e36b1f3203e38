/**
 * What `apply` (CLI) and `POST /v1/deployments` (API) may do with words: only
 * deploy and scale. Destroy, rollback and status are refused with the command
 * that does them (with its own confirmation: destroy asks for the app's name);
 * open questions refuse unless the caller accepts the assumptions; a request
 * that names no app never replaces one that exists. One function, both
 * surfaces call it (until src/service/ exists to hold it).
 */
import { IntentRefusedError } from "../core/errors.js";
import type { InterpretResult } from "./interpreter.js";

export type Surface = "cli" | "api";

export interface GateOptions {
  readonly surface: Surface;
  /** --accept-assumptions / `acceptAssumptions: true`: open questions do not block. */
  readonly acceptAssumptions?: boolean;
  /** An app of the spec's name already runs in the spec's environment. */
  readonly existing?: boolean;
}

/** The question the rules ask when the words name no app (see build.ts). */
export const UNNAMED_QUESTION = 'what is the app called? (say "call it NAME"; "app" was used)';

interface Gated {
  readonly action: InterpretResult["action"];
  readonly spec: InterpretResult["spec"];
  readonly questions: readonly string[];
  readonly rollback?: InterpretResult["rollback"];
}

/** Throws IntentRefusedError unless the words may be applied as a deployment. */
export function gateApply(result: Gated, options: GateOptions): void {
  const { action, spec, questions } = result;
  const app = spec.name;
  const env = spec.environment;
  if (action !== "deploy" && action !== "scale") {
    const command = commandFor(result, options.surface);
    throw new IntentRefusedError(
      `the words ask to ${action} ${app} in ${env}: apply only deploys and scales`,
      {
        hint: `use ${command}${action === "destroy" ? " (it asks you to type the app's name)" : ""}`,
        details: { action, app, environment: env, command },
      },
    );
  }
  const unnamed = questions.includes(UNNAMED_QUESTION);
  if (unnamed && options.existing) {
    throw new IntentRefusedError(
      `the words name no app, and "${app}" already runs in ${env}: applying would replace it`,
      {
        hint: 'name the app in the words ("call it NAME"), or amend the existing one with --base',
        details: { questions: [UNNAMED_QUESTION] },
      },
    );
  }
  if (questions.length > 0 && !options.acceptAssumptions) {
    const flag = options.surface === "cli" ? "--accept-assumptions" : "acceptAssumptions: true";
    throw new IntentRefusedError(
      `the words leave ${questions.length} question(s) open:\n  ? ${questions.join("\n  ? ")}`,
      {
        hint: `answer them in the words (or write the spec: codeploy interpret "..." > spec.yaml), or pass ${flag} to go on with the assumptions`,
        details: { questions },
      },
    );
  }
}

function commandFor(result: Gated, surface: Surface): string {
  const app = result.spec.name;
  const env = result.spec.environment;
  const path = `/v1/apps/${encodeURIComponent(app)}/environments/${encodeURIComponent(env)}`;
  const revision = result.rollback?.revision;
  switch (result.action) {
    case "destroy":
      return surface === "cli" ? `codeploy destroy ${app} --env ${env}` : `DELETE ${path}`;
    case "rollback":
      return surface === "cli"
        ? `codeploy rollback ${app} --env ${env}${revision !== undefined ? ` --to ${revision}` : ""}`
        : `POST ${path}/rollback`;
    default:
      return surface === "cli" ? `codeploy status ${app} --env ${env}` : `GET ${path}`;
  }
}
