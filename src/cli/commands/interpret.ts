import { resolve } from "node:path";
import { UsageError } from "../../core/errors.js";
import type { InterpretResult } from "../../intent/index.js";
import type { CodeService } from "../../service/types.js";
import { EXIT_OK } from "../exit.js";
import { interpretWords } from "../interpret-words.js";
import { type CliIo, printJson, readTextFile } from "../io.js";
import { readSpecInput } from "../service.js";

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
    ? (await import("../../spec/parse.js")).parseSpecText(
        await readTextFile(resolve(io.cwd, flags.base), flags.base),
        flags.base,
      )
    : undefined;
  const result = await interpretWords(io, text, flags, base ? { base } : {});
  return printInterpretation(io, result, flags);
}

/** Through a service (a server's interpreter): the base travels as a document and is validated there. */
export async function interpretVia(
  io: CliIo,
  service: CodeService,
  text: string,
  flags: InterpretFlags,
): Promise<number> {
  const input = await readSpecInput(io, text, flags.base);
  if (!("text" in input))
    throw new UsageError("interpret takes words, not a spec file", { hint: "use `codeploy plan FILE`" });
  return printInterpretation(io, await service.interpret(input), flags);
}

/** The YAML library loads for the YAML answer only: `--json` never reads it (issue 26). */
async function printInterpretation(
  io: CliIo,
  result: InterpretResult,
  flags: InterpretFlags,
): Promise<number> {
  if (flags.json) {
    printJson(io, result);
    return EXIT_OK;
  }
  // Everything but the spec is a YAML comment: `interpret "..." > spec.yaml` gives a file `validate` accepts.
  const comment = (text: string) => `# ${text.replace(/\r?\n/g, " ")}`;
  const lines = [comment(`action: ${result.action} (interpreter: ${result.interpreter})`)];
  if (result.rollback?.revision !== undefined)
    lines.push(comment(`rollback to revision ${result.rollback.revision}`));
  if (result.usage) {
    const u = result.usage;
    const cost = u.costUsd === undefined ? "unpriced" : `$${u.costUsd.toFixed(6)}`;
    lines.push(
      comment(
        `model ${u.model}: ${u.calls} call(s), ${u.inputTokens} in / ${u.outputTokens} out tokens, ${cost}`,
      ),
    );
  }
  if (result.assumptions.length > 0)
    lines.push(comment("assumptions:"), ...result.assumptions.map((a) => comment(`  - ${a}`)));
  if (result.questions.length > 0)
    lines.push(comment("questions:"), ...result.questions.map((q) => comment(`  ? ${q}`)));
  const { stringify } = await import("../../core/yaml-text.js");
  lines.push(stringify(result.spec).trimEnd());
  io.stdout(`${lines.join("\n")}\n`);
  return EXIT_OK;
}
