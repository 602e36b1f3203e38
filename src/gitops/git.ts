/**
 * git through the command runner, never a shell: a fixed environment (no
 * prompts, only the file, git, http(s) and ssh transports, so a hostile URL
 * cannot name `ext::`), and credentials passed as an HTTP header through
 * git's GIT_CONFIG_* environment: they are in no argument, no file of the
 * working copy and no message (every failure is redacted). Every call has a
 * deadline (a remote that hangs cannot hold a sync or serve's watch), and SSH
 * runs in batch mode with connect and keep-alive timeouts.
 */
import { type CommandRunner, runCommand } from "../core/command-runner.js";
import { CodeError } from "../core/errors.js";
import { type GitCredentials, redactUrl } from "./location.js";

export interface GitOptions {
  readonly runner?: CommandRunner;
  /** @default "git" on the PATH */
  readonly binary?: string;
  readonly credentials?: GitCredentials;
  /** Who commits. @default codeploy <codeploy@localhost> */
  readonly author?: { readonly name: string; readonly email: string };
  readonly signal?: AbortSignal;
  /** Deadline of one git call; past it git is interrupted and the call fails with GIT_FAILED. @default 120_000 */
  readonly timeoutMs?: number;
}

/** SSH never prompts (no terminal to answer), gives up connecting after 20 s and on a peer silent for 45 s. */
const SSH_COMMAND =
  "ssh -o BatchMode=yes -o ConnectTimeout=20 -o ServerAliveInterval=15 -o ServerAliveCountMax=3";

export interface RunGitOptions {
  readonly input?: string;
  readonly okExitCodes?: readonly number[];
}

/** Runs `git <args>` in `cwd`; resolves with stdout. */
export type Git = (cwd: string, args: readonly string[], options?: RunGitOptions) => Promise<string>;

export function createGit(options: GitOptions = {}): Git {
  const runner = options.runner ?? runCommand;
  const binary = options.binary ?? "git";
  const author = options.author ?? { name: "codeploy", email: "codeploy@localhost" };
  const secrets = options.credentials
    ? [options.credentials.password, basicToken(options.credentials)].filter((s) => s !== "")
    : [];
  const extraEnv: Record<string, string> = {
    GIT_TERMINAL_PROMPT: "0",
    GIT_ALLOW_PROTOCOL: "file:git:http:https:ssh",
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
    LC_ALL: "C",
    // A remote that stops answering ends the call (under 1 KB/s for 30 s) instead of holding a run's slot.
    GIT_HTTP_LOW_SPEED_LIMIT: "1000",
    GIT_HTTP_LOW_SPEED_TIME: "30",
    // core.sshCommand: a user's GIT_SSH_COMMAND (a key to use) still wins over it.
    GIT_CONFIG_KEY_0: "core.sshCommand",
    GIT_CONFIG_VALUE_0: SSH_COMMAND,
    ...(options.credentials
      ? {
          GIT_CONFIG_COUNT: "2",
          GIT_CONFIG_KEY_1: "http.extraHeader",
          GIT_CONFIG_VALUE_1: `Authorization: Basic ${basicToken(options.credentials)}`,
        }
      : { GIT_CONFIG_COUNT: "1" }),
  };
  const timeoutMs = options.timeoutMs ?? 120_000;
  const redact = (text: string) => secrets.reduce((t, s) => t.split(s).join("***"), redactUrl(text));
  return async (cwd, args, runOptions = {}) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    try {
      const result = await runner(binary, args, {
        cwd,
        extraEnv,
        signal,
        killGraceMs: 2000,
        // git runs its transports (git-remote-http, ssh) as children: an abort ends them too.
        processGroup: true,
        ...(runOptions.input !== undefined ? { input: runOptions.input } : {}),
        ...(runOptions.okExitCodes ? { okExitCodes: runOptions.okExitCodes } : {}),
      });
      return result.stdout;
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      const stderr = typeof cause === "object" && cause !== null && "stderr" in cause ? cause.stderr : "";
      const detail = typeof stderr === "string" ? stderr.trim().split("\n").slice(-3).join(" | ") : "";
      if (deadline.aborted && !options.signal?.aborted) {
        throw new CodeError(
          "GIT_FAILED",
          redact(`git ${args[0] ?? ""} timed out after ${timeoutMs / 1000} s`),
          {
            retryable: true,
            hint: "the remote did not answer in time: check the network and the repository location",
          },
        );
      }
      throw new CodeError("GIT_FAILED", redact(`git ${args[0] ?? ""} failed: ${detail || message}`), {
        hint: "check the repository location, the branch, and the credentials (CODEPLOY_GIT_TOKEN)",
      });
    }
  };
}

function basicToken(c: GitCredentials): string {
  return Buffer.from(`${c.username}:${c.password}`).toString("base64");
}
