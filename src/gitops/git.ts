/**
 * git through the command runner, never a shell: a fixed environment (no
 * prompts, only the file, git, http(s) and ssh transports, so a hostile URL
 * cannot name `ext::`), and credentials passed as an HTTP header through
 * git's GIT_CONFIG_* environment: they are in no argument, no file of the
 * working copy and no message (every failure is redacted).
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
}

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
    ...(options.credentials
      ? {
          GIT_CONFIG_COUNT: "1",
          GIT_CONFIG_KEY_0: "http.extraHeader",
          GIT_CONFIG_VALUE_0: `Authorization: Basic ${basicToken(options.credentials)}`,
        }
      : { GIT_CONFIG_COUNT: "0" }),
  };
  const redact = (text: string) => secrets.reduce((t, s) => t.split(s).join("***"), redactUrl(text));
  return async (cwd, args, runOptions = {}) => {
    try {
      const result = await runner(binary, args, {
        cwd,
        extraEnv,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(runOptions.input !== undefined ? { input: runOptions.input } : {}),
        ...(runOptions.okExitCodes ? { okExitCodes: runOptions.okExitCodes } : {}),
      });
      return result.stdout;
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      const stderr = typeof cause === "object" && cause !== null && "stderr" in cause ? cause.stderr : "";
      const detail = typeof stderr === "string" ? stderr.trim().split("\n").slice(-3).join(" | ") : "";
      throw new CodeError("GIT_FAILED", redact(`git ${args[0] ?? ""} failed: ${detail || message}`), {
        hint: "check the repository location, the branch, and the credentials (CODEPLOY_GIT_TOKEN)",
      });
    }
  };
}

function basicToken(c: GitCredentials): string {
  return Buffer.from(`${c.username}:${c.password}`).toString("base64");
}
