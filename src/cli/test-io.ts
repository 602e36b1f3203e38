/** An in-memory CliIo for command tests. */
import type { CliIo } from "./io.js";

export interface CapturedIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
}

export function captureIo(
  options: { cwd?: string; env?: Record<string, string | undefined>; isTty?: boolean } = {},
): CapturedIo {
  let out = "";
  let err = "";
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    isTty: options.isTty ?? false,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    out: () => out,
    err: () => err,
  };
}
