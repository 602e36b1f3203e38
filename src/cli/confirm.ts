/**
 * Confirmation before changes. On a terminal: a y/N question, or typing the
 * app name for production and destroy. Without a terminal: refused unless --yes.
 */
import { createInterface } from "node:readline/promises";
import { UsageError } from "../core/errors.js";
import type { CliIo } from "./io.js";

export interface ConfirmOptions {
  readonly yes?: boolean;
  /** Ask the person to type this word (the app name) instead of y/N. */
  readonly typeToConfirm?: string;
  readonly what: string;
}

export type Asker = (question: string) => Promise<string>;

export const terminalAsker: Asker = async (question) => {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
};

/** Resolves true when confirmed; false when the person said no. Throws UsageError without a terminal and --yes. */
export async function confirm(
  io: CliIo,
  options: ConfirmOptions,
  ask: Asker = terminalAsker,
): Promise<boolean> {
  if (options.yes) return true;
  if (!io.isTty) {
    throw new UsageError(`refusing to ${options.what} without confirmation: no terminal to ask on`, {
      hint: "review the plan, then run again with --yes",
    });
  }
  if (options.typeToConfirm) {
    const answer = await ask(`Type the app name (${options.typeToConfirm}) to ${options.what}: `);
    return answer.trim() === options.typeToConfirm;
  }
  const answer = await ask(`${options.what[0]?.toUpperCase()}${options.what.slice(1)}? [y/N] `);
  return /^y(es)?$/i.test(answer.trim());
}
