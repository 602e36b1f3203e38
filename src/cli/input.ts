/**
 * `<spec-file | "words">`: commands that take a spec also take a request in
 * words, interpreted offline. A file wins when one exists at that path.
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { NotFoundError } from "../core/errors.js";
import type { InterpretResult, InterpretUsage, RollbackTarget } from "../intent/index.js";
import { parseSpecText } from "../spec/parse.js";
import type { DeploymentSpec, Target } from "../spec/schema.js";
import { validateSpec } from "../spec/validate.js";
import type { CliIo } from "./io.js";
import { readTextFile } from "./io.js";

export interface ResolvedInput {
  readonly spec: DeploymentSpec;
  /** What the words ask for (a file is always "deploy"). */
  readonly action: InterpretResult["action"];
  readonly rollback?: RollbackTarget;
  /** The words, when the input was a request rather than a file. */
  readonly request?: string;
  readonly interpreter?: string;
  readonly assumptions: readonly string[];
  readonly questions: readonly string[];
  /** Tokens and cost when a model interpreted the words. */
  readonly usage?: InterpretUsage;
  readonly source: string;
}

const SPEC_FILE = /\.(ya?ml|json)$/i;

export interface ResolveOptions {
  /** --base FILE: the words amend this spec. */
  readonly base?: string;
  /** The spec CODE runs for an app and environment, so that words naming it amend it. */
  readonly lookup?: (app: string, environment: string) => Promise<DeploymentSpec | undefined>;
}

export async function resolveSpecInput(
  io: CliIo,
  input: string,
  target?: string,
  /** --config, for the interpreter settings. */
  config?: string,
  options: ResolveOptions = {},
): Promise<ResolvedInput> {
  const path = resolve(io.cwd, input);
  const isFile = existsSync(path) && statSync(path).isFile();
  let resolved: ResolvedInput;
  if (isFile || input === "-") {
    const text = input === "-" ? await readStdin() : await readTextFile(path, input);
    resolved = {
      spec: parseSpecText(text, input),
      action: "deploy",
      assumptions: [],
      questions: [],
      source: input,
    };
  } else if (SPEC_FILE.test(input.trim()) && !/\s/.test(input.trim())) {
    throw new NotFoundError(`file not found: ${input}`, {
      hint: "check the path, or quote a request in words",
    });
  } else {
    const result = await interpretAgainstState(io, input, config, options);
    resolved = {
      spec: result.spec,
      action: result.action,
      ...(result.rollback ? { rollback: result.rollback } : {}),
      request: input,
      interpreter: result.interpreter,
      assumptions: result.assumptions,
      questions: result.questions,
      ...(result.usage ? { usage: result.usage } : {}),
      source: "words",
    };
  }
  if (target && target !== resolved.spec.target) {
    const spec = validateSpec({ ...resolved.spec, target: target as Target });
    return { ...resolved, spec };
  }
  return resolved;
}

/**
 * Words -> result; when they name an app (and environment) CODE runs, they
 * amend its current spec, as --base does ("scale nc-web to 3 replicas in staging").
 */
async function interpretAgainstState(
  io: CliIo,
  input: string,
  config: string | undefined,
  options: ResolveOptions,
): Promise<InterpretResult> {
  const { interpretWords } = await import("./interpret-words.js");
  const flags = config === undefined ? {} : { config };
  if (options.base) {
    const base = parseSpecText(await readTextFile(resolve(io.cwd, options.base), options.base), options.base);
    return interpretWords(io, input, flags, { base });
  }
  const first = await interpretWords(io, input, flags);
  if (!options.lookup || (first.action !== "deploy" && first.action !== "scale")) return first;
  const { appCandidates, UNNAMED_QUESTION } = await import("../intent/index.js");
  const unnamed = first.questions.includes(UNNAMED_QUESTION);
  const names = [...new Set([...(unnamed ? [] : [first.spec.name]), ...appCandidates(input)])];
  for (const name of names) {
    const current = await options.lookup(name, first.spec.environment);
    if (current === undefined) continue;
    const amended = await interpretWords(io, input, flags, { base: current });
    return {
      ...amended,
      assumptions: [`amending ${name} in ${first.spec.environment} as it runs now`, ...amended.assumptions],
    };
  }
  return first;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
