/** Small seams for the CLI's I/O so commands can be tested without a process. */
import { readFile } from "node:fs/promises";
import { NotFoundError } from "../core/errors.js";

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly isTty: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** Set once the reader of standard output went away (`codeploy history | head -1`). */
let stdoutClosed = false;

/**
 * A closed standard output is not an error of the command: further output is dropped and the
 * command ends normally (exit 0 when it succeeded) instead of dying with an EPIPE stack trace.
 */
export function quietOnClosedStdout(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    stdoutClosed = true;
  });
}

export const processIo: CliIo = {
  stdout: (text) => {
    if (!stdoutClosed) process.stdout.write(text);
  },
  stderr: (text) => process.stderr.write(text),
  isTty: Boolean(process.stdout.isTTY),
  env: process.env,
  cwd: process.cwd(),
};

/** Reads a UTF-8 file; `shown` is the name used in messages (as the person typed it). */
export async function readTextFile(path: string, shown = path): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === "ENOENT")
      throw new NotFoundError(`file not found: ${shown}`, { hint: "check the path", cause });
    if (code === "EISDIR")
      throw new NotFoundError(`${shown} is a folder, not a file`, { hint: "name a YAML or JSON file" });
    throw new NotFoundError(`cannot read ${shown}: ${(cause as Error).message}`, { cause });
  }
}

/** Prints a value as pretty JSON with a trailing newline. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}
