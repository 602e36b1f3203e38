import { resolve } from "node:path";
import { stringify } from "yaml";
import { UsageError } from "../../core/errors.js";
import { interpretRules } from "../../intent/index.js";
import { parseSpecText } from "../../spec/validate.js";
import { EXIT_OK } from "../exit.js";
import { type CliIo, printJson, readTextFile } from "../io.js";

export interface InterpretFlags {
  readonly base?: string;
  readonly json?: boolean;
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
  const result = interpretRules(text, base ? { base } : {});
  if (flags.json) {
    printJson(io, result);
    return EXIT_OK;
  }
  const lines = [
    `# action: ${result.action} (interpreter: ${result.interpreter})`,
    stringify(result.spec).trimEnd(),
  ];
  if (result.assumptions.length > 0) {
    lines.push("", "Assumptions:", ...result.assumptions.map((a) => `  - ${a}`));
  }
  if (result.questions.length > 0) {
    lines.push("", "Questions:", ...result.questions.map((q) => `  ? ${q}`));
  }
  io.stdout(`${lines.join("\n")}\n`);
  return EXIT_OK;
}
