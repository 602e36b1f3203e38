/**
 * The command runner: every child process of CODE goes through here. No shell
 * (arguments are passed as a list, so nothing is ever interpreted), output
 * captured and also streamed line by line, and cancellation through an
 * AbortSignal that interrupts the child (SIGINT first, so tools such as
 * Terraform can release their locks and save state; SIGKILL after a grace
 * period). Injected as `options.runner ?? runCommand`.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { CodeError } from "./errors.js";

export type OutputStream = "stdout" | "stderr";

export interface RunCommandOptions {
  readonly cwd?: string;
  /** The complete environment of the child. @default the environment of this process */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Added on top of `env` (or of this process's environment). */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** Aborting interrupts the child and rejects with a CommandError of code COMMAND_ABORTED. */
  readonly signal?: AbortSignal;
  /** Each complete line of output, as it arrives (without the newline). */
  readonly onLine?: (line: string, stream: OutputStream) => void;
  /** Exit codes that count as success. @default [0] */
  readonly okExitCodes?: readonly number[];
  /** Time between SIGINT and SIGKILL after an abort. @default 10_000 */
  readonly killGraceMs?: number;
  /** Written to the child's standard input, which is then closed. @default nothing (closed at once) */
  readonly input?: string;
  /**
   * Runs the child in a process group of its own and signals the whole group on abort, so what it
   * started (git's transport helpers, ssh) ends with it instead of holding its output open. @default false
   */
  readonly processGroup?: boolean;
}

export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export type CommandRunner = (
  command: string,
  args: readonly string[],
  options?: RunCommandOptions,
) => Promise<CommandResult>;

export type CommandErrorCode = "COMMAND_FAILED" | "COMMAND_NOT_FOUND" | "COMMAND_ABORTED";

/** A child process that could not start, exited with an unexpected code, or was aborted. */
export class CommandError extends CodeError {
  readonly command: string;
  readonly stdout: string;
  readonly stderr: string;
  /** -1 when the process never started or ended by a signal. */
  readonly exitCode: number;

  constructor(
    code: CommandErrorCode,
    message: string,
    fields: { command: string; stdout: string; stderr: string; exitCode: number },
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super(code, message, options);
    this.command = fields.command;
    this.stdout = fields.stdout;
    this.stderr = fields.stderr;
    this.exitCode = fields.exitCode;
  }
}

/** Splits a stream into lines, keeping the unfinished tail for the next chunk. */
function lineSplitter(emit: (line: string) => void): { push: (text: string) => void; end: () => void } {
  let tail = "";
  return {
    push(text) {
      const parts = (tail + text).split("\n");
      tail = parts.pop() ?? "";
      for (const line of parts) emit(line.endsWith("\r") ? line.slice(0, -1) : line);
    },
    end() {
      if (tail.length > 0) emit(tail);
      tail = "";
    },
  };
}

function childEnv(options: RunCommandOptions): NodeJS.ProcessEnv | undefined {
  if (!options.env && !options.extraEnv) return undefined;
  const base = options.env ?? process.env;
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  return { ...env, ...options.extraEnv };
}

/** Runs `command` with `args` (no shell) and resolves when it exits with an accepted code. */
export const runCommand: CommandRunner = (command, args, options = {}) =>
  new Promise<CommandResult>((resolve, reject) => {
    const fields = (exitCode: number) => ({ command, stdout, stderr, exitCode });
    let stdout = "";
    let stderr = "";
    if (options.signal?.aborted) {
      reject(new CommandError("COMMAND_ABORTED", `${command} was not started: aborted`, fields(-1)));
      return;
    }
    // spawn reports a missing working folder as ENOENT, like a missing command: tell them apart.
    if (options.cwd !== undefined && !existsSync(options.cwd)) {
      const message = `${command} was not started: its working folder ${options.cwd} does not exist`;
      reject(new CommandError("COMMAND_FAILED", message, fields(-1)));
      return;
    }
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: childEnv(options),
      shell: false,
      stdio: ["pipe", "pipe", "pipe"],
      detached: options.processGroup === true,
    });
    const out = lineSplitter((line) => options.onLine?.(line, "stdout"));
    const err = lineSplitter((line) => options.onLine?.(line, "stderr"));
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      out.push(chunk);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      err.push(chunk);
    });
    child.stdin.on("error", () => {
      // The child may exit without reading its input: not our failure.
    });
    child.stdin.end(options.input ?? "");
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const signalChild = (signal: NodeJS.Signals) => {
      if (options.processGroup === true && child.pid !== undefined) {
        try {
          process.kill(-child.pid, signal);
          return;
        } catch {
          // The group is gone already: signal the child alone.
        }
      }
      child.kill(signal);
    };
    const onAbort = () => {
      aborted = true;
      signalChild("SIGINT");
      killTimer = setTimeout(() => signalChild("SIGKILL"), options.killGraceMs ?? 10_000);
      killTimer.unref();
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const cleanup = () => {
      options.signal?.removeEventListener("abort", onAbort);
      if (killTimer) clearTimeout(killTimer);
    };
    child.on("error", (cause: NodeJS.ErrnoException) => {
      cleanup();
      const missing = cause.code === "ENOENT";
      reject(
        new CommandError(
          missing ? "COMMAND_NOT_FOUND" : "COMMAND_FAILED",
          missing ? `${command}: command not found` : `${command} could not start: ${cause.message}`,
          fields(-1),
          { cause, ...(missing ? { hint: `install ${command} or put it on PATH` } : {}) },
        ),
      );
    });
    child.on("close", (code, signal) => {
      cleanup();
      out.end();
      err.end();
      const exitCode = code ?? -1;
      if (aborted) {
        reject(new CommandError("COMMAND_ABORTED", `${command} was interrupted: aborted`, fields(exitCode)));
      } else if ((options.okExitCodes ?? [0]).includes(exitCode)) {
        resolve({ exitCode, stdout, stderr });
      } else {
        const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
        const last = stderr.trim().split("\n").at(-1);
        reject(
          new CommandError("COMMAND_FAILED", `${command} ${how}${last ? `: ${last}` : ""}`, fields(exitCode)),
        );
      }
    });
  });
