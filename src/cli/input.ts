/**
 * `<spec-file | "words">`: commands that take a spec also take a request in
 * words, interpreted offline. A file wins when one exists at that path.
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { NotFoundError } from "../core/errors.js";
import type { InterpretUsage } from "../intent/index.js";
import type { DeploymentSpec, Target } from "../spec/schema.js";
import { parseSpecText, validateSpec } from "../spec/validate.js";
import type { CliIo } from "./io.js";
import { readTextFile } from "./io.js";

export interface ResolvedInput {
  readonly spec: DeploymentSpec;
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

export async function resolveSpecInput(
  io: CliIo,
  input: string,
  target?: string,
  /** --config, for the interpreter settings. */
  config?: string,
): Promise<ResolvedInput> {
  const path = resolve(io.cwd, input);
  const isFile = existsSync(path) && statSync(path).isFile();
  let resolved: ResolvedInput;
  if (isFile || input === "-") {
    const text = input === "-" ? await readStdin() : await readTextFile(path, input);
    resolved = { spec: parseSpecText(text, input), assumptions: [], questions: [], source: input };
  } else if (SPEC_FILE.test(input.trim()) && !/\s/.test(input.trim())) {
    throw new NotFoundError(`file not found: ${input}`, {
      hint: "check the path, or quote a request in words",
    });
  } else {
    const { interpretWords } = await import("./interpret-words.js");
    const result = await interpretWords(io, input, config === undefined ? {} : { config });
    resolved = {
      spec: result.spec,
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

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
