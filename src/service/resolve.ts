/**
 * What to deploy -> a validated spec: a document is validated (problems with
 * their paths), words are interpreted, and when they name an app CODE runs
 * (and no base was given) they amend what runs ("scale nc-web to 3 replicas
 * in staging"). Used by plan and apply, on every surface.
 */
import { SpecValidationError } from "../core/errors.js";
import type { InterpretOptions, InterpretResult } from "../intent/index.js";
import type { DeploymentSpec } from "../spec/schema.js";
import type { Target } from "../spec/targets.js";
import type { SpecInput, WordsView } from "./types.js";

export type Interpret = (text: string, options: InterpretOptions) => Promise<InterpretResult>;
export type Lookup = (app: string, environment: string) => Promise<DeploymentSpec | undefined>;

export interface ResolvedSpec extends WordsView {
  readonly spec: DeploymentSpec;
  /** What the words ask for; a document is always "deploy". */
  readonly action: InterpretResult["action"];
  readonly rollback?: InterpretResult["rollback"];
  /** The interpreter's answer, for the action gate. */
  readonly interpreted?: InterpretResult;
}

/**
 * validateSpec with the issue paths prefixed (`spec.services[1].replicas`). The spec's
 * schema loads on the first validation: `status` and `history` never build it (issue 26).
 */
export async function validateAt(value: unknown, prefix: string | undefined): Promise<DeploymentSpec> {
  const { validateSpec } = await import("../spec/validate.js");
  try {
    return validateSpec(value);
  } catch (error) {
    if (!(error instanceof SpecValidationError) || prefix === undefined) throw error;
    throw new SpecValidationError(
      error.issues.map((i) => ({ path: i.path ? `${prefix}.${i.path}` : prefix, message: i.message })),
    );
  }
}

export interface ResolveOptions {
  readonly interpret: Interpret;
  readonly lookup: Lookup;
  readonly target?: Target | undefined;
  /** Where a document's problems are reported: `spec` on the API (the body's field), none on the CLI. */
  readonly pathPrefix?: string;
}

export async function resolveSpec(input: SpecInput, options: ResolveOptions): Promise<ResolvedSpec> {
  const resolved =
    "text" in input ? await fromWords(input, options) : await fromDocument(input.spec, options);
  const { target } = options;
  if (target === undefined || target === resolved.spec.target) return resolved;
  return { ...resolved, spec: await validateAt({ ...resolved.spec, target }, options.pathPrefix) };
}

async function fromDocument(document: unknown, options: ResolveOptions): Promise<ResolvedSpec> {
  return { spec: await validateAt(document, options.pathPrefix), action: "deploy" };
}

async function fromWords(
  input: { text: string; base?: unknown },
  options: ResolveOptions,
): Promise<ResolvedSpec> {
  const result = await interpretAgainstState(input, options);
  return {
    spec: result.spec,
    action: result.action,
    ...(result.rollback ? { rollback: result.rollback } : {}),
    request: input.text,
    interpreter: result.interpreter,
    ...(result.usage ? { usage: result.usage } : {}),
    assumptions: result.assumptions,
    questions: result.questions,
    interpreted: result,
  };
}

/**
 * Words -> result; when they name an app (and environment) CODE runs, they
 * amend its current spec, as a base does.
 */
async function interpretAgainstState(
  input: { text: string; base?: unknown },
  options: ResolveOptions,
): Promise<InterpretResult> {
  if (input.base !== undefined) {
    return options.interpret(input.text, { base: await validateAt(input.base, "base") });
  }
  const first = await options.interpret(input.text, {});
  if (first.action !== "deploy" && first.action !== "scale") return first;
  // The interpreter's vocabulary loads with words only: a spec file never pays for it (issue 26).
  const { appCandidates, UNNAMED_QUESTION } = await import("../intent/index.js");
  const unnamed = first.questions.includes(UNNAMED_QUESTION);
  const names = [...new Set([...(unnamed ? [] : [first.spec.name]), ...appCandidates(input.text)])];
  for (const name of names) {
    const current = await options.lookup(name, first.spec.environment);
    if (current === undefined) continue;
    const amended = await options.interpret(input.text, { base: current });
    return {
      ...amended,
      assumptions: [`amending ${name} in ${first.spec.environment} as it runs now`, ...amended.assumptions],
    };
  }
  return first;
}
