/**
 * The offline rules interpreter: words -> action + valid DeploymentSpec, with
 * the assumptions it made and the questions it could not answer. It never
 * throws on text (only on empty text); whatever it builds is validated, and
 * parts that do not validate are dropped with a question.
 */
import { UsageError } from "../core/errors.js";
import type { DeploymentSpec } from "../spec/schema.js";
import { checkSpec, validateSpec } from "../spec/validate.js";
import { build } from "./build/build.js";
import { askUnread } from "./build/coverage.js";
import type { Interpreter, InterpretOptions, InterpretResult } from "./interpreter.js";
import { askForeign } from "./read/language.js";
import { read } from "./read/read.js";
import { findRollbackTarget } from "./read/rollback-target.js";

export const RULES_INTERPRETER = "rules";

export function interpretRules(text: string, options: InterpretOptions = {}): InterpretResult {
  if (typeof text !== "string" || text.trim() === "") {
    throw new UsageError("nothing to interpret: the text is empty", {
      hint: 'describe what to deploy, for example: codeploy interpret "deploy nginx with postgres to staging"',
    });
  }
  const base = options.base === undefined ? undefined : validateSpec(options.base);
  try {
    const r = read(text, { amending: base !== undefined });
    const built = build(r, base);
    const rollback = built.action === "rollback" ? findRollbackTarget(r.ctx, r.action.start) : undefined;
    if (rollback?.question) r.ctx.ask(rollback.question);
    if (built.action === "deploy" || built.action === "scale")
      askUnread(r.ctx, [...r.mentions, ...r.negated]);
    askForeign(r.ctx);
    const questions = [...r.ctx.questions];
    const spec = repair(built.input, questions);
    return {
      action: built.action,
      spec,
      assumptions: [...r.ctx.assumptions],
      questions,
      ...(rollback ? { rollback: rollback.target } : {}),
      interpreter: RULES_INTERPRETER,
    };
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    return {
      action: "deploy",
      spec: base ?? validateSpec({}),
      assumptions: [],
      questions: [`the request could not be read (${why.slice(0, 120)}): what should be deployed?`],
      interpreter: RULES_INTERPRETER,
    };
  }
}

/** Validates; drops each invalid part (up to a few rounds) and asks about it. */
function repair(input: unknown, questions: string[]): DeploymentSpec {
  let current = input;
  for (let round = 0; round < 6; round++) {
    const result = checkSpec(current);
    if (result.ok) return result.spec;
    const copy = structuredClone(current) as Record<string, unknown>;
    for (const issue of result.issues) {
      questions.push(`could not use ${issue.path || "the spec"} (${issue.message}): what should it be?`);
      dropPath(copy, issue.path);
    }
    current = copy;
  }
  return validateSpec({});
}

/** Deletes the value at a printed path such as `services[1].schedule`. */
function dropPath(root: Record<string, unknown>, path: string): void {
  const parts = [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) =>
    m[2] !== undefined ? Number(m[2]) : (m[1] ?? ""),
  );
  if (parts.length === 0) return;
  // A bad item of a list (or a field inside dependsOn) is dropped; otherwise the field.
  let cur: unknown = root;
  for (let i = 0; i < parts.length - 1; i++) {
    cur = (cur as Record<string | number, unknown> | undefined)?.[parts[i] as string | number];
    if (cur === undefined || cur === null) return;
  }
  const last = parts[parts.length - 1] as string | number;
  if (Array.isArray(cur) && typeof last === "number") cur.splice(last, 1);
  else if (cur && typeof cur === "object") delete (cur as Record<string | number, unknown>)[last];
}

export const rulesInterpreter: Interpreter = {
  name: RULES_INTERPRETER,
  async interpret(text: string, options?: InterpretOptions): Promise<InterpretResult> {
    return interpretRules(text, options);
  },
};
