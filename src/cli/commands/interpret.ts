import { resolve } from "node:path";
import { stringify } from "yaml";
import { UsageError } from "../../core/errors.js";
import { parseSpecText } from "../../spec/validate.js";
import { EXIT_OK } from "../exit.js";
import { interpretWords } from "../interpret-words.js";
import { type CliIo, printJson, readTextFile } from "../io.js";

export interface InterpretFlags {
  readonly base?: string;
  readonly json?: boolean;
  /** `--llm` (true) or `--llm <member>`: ask a model (see src/intent/llm). */
  readonly llm?: string | boolean;
  /** --config of the program. */
  readonly config?: string;
}

export async function interpretCommand(io: CliIo, text: string, flags: InterpretFlags): Promise<number> {
  if (text.trim() === "") {
    throw new UsageError("nothing to interpret: the text is empty", {
      hint: 'say what to deploy, such as: codeploy interpret "deploy nginx to staging"',
    });
  }
  const base = flags.base
    ? parseSpecText(await readTextFile(resolve(io.cwd, flags.base), flags.base), flags.base)
    : undefined;
  const result = await interpretWords(io, text, flags, base ? { base } : {});
  if (flags.json) {
    printJson(io, result);
    return EXIT_OK;
  }
  const lines = [
    `# action: ${result.action} (interpreter: ${result.interpreter})`,
    stringify(result.spec).trimEnd(),
  ];
  if (result.usage) {
    const u = result.usage;
    const cost = u.costUsd === undefined ? "unpriced" : `$${u.costUsd.toFixed(6)}`;
    lines.push(
      "",
      `# model ${u.model}: ${u.calls} call(s), ${u.inputTokens} in / ${u.outputTokens} out tokens, ${cost}`,
    );
  }
  if (result.assumptions.length > 0) {
    lines.push("", "Assumptions:", ...result.assumptions.map((a) => `  - ${a}`));
  }
  if (result.questions.length > 0) {
    lines.push("", "Questions:", ...result.questions.map((q) => `  ? ${q}`));
  }
  io.stdout(`${lines.join("\n")}\n`);
  return EXIT_OK;
}
