/**
 * codeploy.yaml's `gitops:` and the environment -> what the writer and the
 * reader need. The environment is handed in by the edge (cli/, server/).
 */
import type { GitopsConfig } from "../core/config.js";
import { createGit, type Git } from "./git.js";
import { type GitCredentials, type RepoLocation, repoLocation } from "./location.js";
import type { GitopsTarget } from "./writer.js";

type Env = Readonly<Record<string, string | undefined>>;

export interface RepoAccess {
  readonly repo: RepoLocation;
  readonly git: Git;
  readonly home: string;
}

/** Credentials: the ones written into the URL, else the token in `tokenEnv` (with the user in `userEnv`). */
function credentialsOf(repo: RepoLocation, config: GitopsConfig, env: Env): GitCredentials | undefined {
  if (repo.credentials) return repo.credentials;
  const token = env[config.tokenEnv];
  if (repo.local || token === undefined || token === "") return undefined;
  return { username: env[config.userEnv] || "x-access-token", password: token };
}

/** The repository at `location` with a git that carries its credentials. */
export function repoAccess(
  location: string,
  config: GitopsConfig,
  options: {
    readonly env: Env;
    readonly home: string;
    readonly baseDir: string;
    readonly signal?: AbortSignal;
    /** Deadline of one git call. @default createGit's */
    readonly timeoutMs?: number;
  },
): RepoAccess {
  const repo = repoLocation(location, options.baseDir);
  const credentials = credentialsOf(repo, config, options.env);
  const git = createGit({
    ...(credentials ? { credentials } : {}),
    ...(config.author ? { author: config.author } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  return { repo, git, home: options.home };
}

/** Where applied revisions are written, or undefined without `gitops.repo`. */
export function gitopsTarget(
  config: GitopsConfig,
  options: { readonly env: Env; readonly home: string; readonly baseDir: string },
): GitopsTarget | undefined {
  if (config.repo === undefined) return undefined;
  return { ...repoAccess(config.repo, config, options), branch: config.branch };
}
