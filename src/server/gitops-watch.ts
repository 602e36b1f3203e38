/**
 * `codeploy serve` with `gitops.watch`: a repository followed on an interval.
 * Each tick asks the remote for the ref's commit (`git ls-remote`, under the
 * watch's git deadline); when it is not the last one synced, the specs at that
 * commit go through the same sync as `codeploy sync` (service/sync.ts): the
 * service's policy, secret, lock and RBAC gates, as a principal of the
 * configured actor and role. Confirmation: any environment but production,
 * and production only when `gitops.autoSync` lists it. One round at a time;
 * a round that failed (git, a held lock, a failed deployment) is logged,
 * audited and tried again on the next tick; a refused spec (invalid, policy)
 * is reported once per commit and waits for a new one. `stop` aborts the git
 * call in flight and waits for the round.
 */
import { mkdir } from "node:fs/promises";
import type { GitopsConfig } from "../core/config.js";
import { CodeError } from "../core/errors.js";
import { type RepoAccess, redactUrl, repoAccess } from "../gitops/index.js";
import { type SyncAnswer, type SyncItem, syncRepository } from "../service/sync.js";
import type { Change, CodeService, DeploymentView, RunHooks } from "../service/types.js";
import { isProduction } from "../spec/environment.js";
import type { Principal } from "./auth/rbac.js";
import type { ServerDeps } from "./context.js";
import { runHooks } from "./routes/deployments.js";
import { serviceFor } from "./service.js";

export type WatchConfig = NonNullable<GitopsConfig["watch"]>;

export interface GitopsWatchOptions {
  readonly gitops: GitopsConfig & { readonly watch: WatchConfig };
  /** Where the credentials are read (tokenEnv, userEnv). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** CODEPLOY_HOME: the working copy lives under `gitops/`. */
  readonly home: string;
  /** A relative repository path is relative to it (codeploy.yaml's folder). */
  readonly baseDir: string;
}

export interface WatchRound {
  /** The ref's commit, when it was read. */
  readonly commit?: string;
  /** The commit was already synced: nothing ran. */
  readonly unchanged?: boolean;
  readonly answer?: SyncAnswer;
  /** The round failed before syncing (git, no such ref); tried again on the next tick. */
  readonly error?: string;
}

/** Items kept in one audit record; the count says how many there were. */
const AUDITED_ITEMS = 50;

export class GitopsWatch {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<WatchRound> | undefined;
  private stopped = false;
  /** The last commit whose sync needs no retry. */
  private synced: string | undefined;
  private readonly abort = new AbortController();
  private readonly access: RepoAccess;
  private readonly service: CodeService;
  private readonly watch: WatchConfig;

  constructor(
    private readonly deps: ServerDeps,
    private readonly options: GitopsWatchOptions,
  ) {
    this.watch = options.gitops.watch;
    this.access = repoAccess(this.watch.repo, options.gitops, {
      env: options.env,
      home: options.home,
      baseDir: options.baseDir,
      signal: this.abort.signal,
      timeoutMs: this.watch.timeoutSeconds * 1000,
    });
    const principal: Principal = {
      id: "system:gitops-watch",
      actor: this.watch.actor,
      kind: "api-key",
      role: this.watch.role,
      environments: this.watch.environments,
    };
    this.service = serviceFor(deps, principal);
  }

  /** The repository as shown (no credentials). */
  get repo(): string {
    return redactUrl(this.access.repo.url);
  }

  /** The first round now, then one every intervalSeconds after the previous one ended. */
  start(): void {
    if (this.timer !== undefined || this.stopped) return;
    const schedule = (ms: number) => {
      this.timer = setTimeout(() => {
        void this.syncNow().finally(() => {
          if (!this.stopped) schedule(this.watch.intervalSeconds * 1000);
        });
      }, ms);
      this.timer.unref();
    };
    schedule(0);
  }

  /** No new round starts, the git call in flight is interrupted; resolves when the round has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
    await this.round?.catch(() => {});
  }

  /** One round; a round already running is joined, never doubled. */
  syncNow(): Promise<WatchRound> {
    if (this.stopped) return Promise.resolve({ error: "stopped" });
    this.round ??= this.runRound().finally(() => {
      this.round = undefined;
    });
    return this.round;
  }

  private async runRound(): Promise<WatchRound> {
    const { logger } = this.deps;
    let commit: string | undefined;
    try {
      commit = await this.remoteCommit();
      if (commit === this.synced) return { commit, unchanged: true };
      const answer = await syncRepository(
        {
          service: this.service,
          access: this.access,
          autoSync: this.options.gitops.autoSync,
          // Unattended: production only through gitops.autoSync (checked before this is asked).
          confirm: async (change) => !isProduction(change),
          hooks: (file) => ({
            onNote: (note) => logger.log("info", `gitops watch: ${file}: ${note}`, { repo: this.repo }),
          }),
          runChange: (change, hooks) => this.run(change, hooks),
        },
        { repo: this.access.repo.url, ref: this.watch.ref, path: this.watch.path },
      );
      const retry = answer.items.filter((i) => i.outcome === "failed" || i.retryable === true);
      // What ls-remote said (an annotated tag's object, not the commit it points to): the next tick compares with it.
      if (retry.length === 0) this.synced = commit;
      await this.report(answer, retry);
      return { commit: answer.commit, answer };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (this.stopped) return { error: message };
      logger.log("warn", "gitops watch: sync failed, tried again on the next tick", {
        repo: this.repo,
        ref: this.watch.ref,
        error: message,
      });
      await this.audit("failed", { ref: this.watch.ref, ...(commit ? { commit } : {}), error: message });
      return { ...(commit ? { commit } : {}), error: message };
    }
  }

  /** The ref's commit on the remote (a branch, else a tag of that name). */
  private async remoteCommit(): Promise<string> {
    const { ref } = this.watch;
    await mkdir(this.options.home, { recursive: true });
    const out = await this.access.git(this.options.home, [
      "ls-remote",
      "--",
      this.access.repo.url,
      `refs/heads/${ref}`,
      `refs/tags/${ref}`,
    ]);
    const commit = out.trim().split(/\s+/)[0];
    if (!commit) {
      throw new CodeError("GIT_FAILED", `${this.repo} has no branch or tag ${ref}`, {
        hint: "check gitops.watch.ref",
      });
    }
    return commit;
  }

  /** A confirmed change runs among the server's runs (drained on shutdown, counted in its limits). */
  private async run(change: Change, hooks: Omit<RunHooks, "deploymentId">): Promise<DeploymentView> {
    let finished: Promise<DeploymentView> | undefined;
    await this.deps.runs.start((ctx) => {
      const run = change.run({ ...hooks, ...runHooks(ctx) });
      finished = run;
      return run;
    });
    if (finished === undefined) throw new CodeError("INTERNAL", "the run did not start");
    return finished;
  }

  private async report(answer: SyncAnswer, retry: readonly SyncItem[]): Promise<void> {
    const { logger } = this.deps;
    const acted = answer.items.filter((i) => i.outcome !== "unchanged");
    if (acted.length === 0) return;
    const bad = answer.items.filter((i) => i.outcome === "refused" || i.outcome === "failed");
    for (const i of acted) {
      logger.log(i.outcome === "applied" ? "info" : "warn", `gitops watch: ${i.outcome} ${i.file}`, {
        repo: this.repo,
        commit: answer.commit,
        ...(i.app ? { app: i.app, environment: i.environment } : {}),
        ...(i.reason ? { reason: i.reason } : {}),
        ...(i.revision != null ? { revision: i.revision } : {}),
      });
    }
    await this.audit(
      bad.length === 0 ? "ok" : bad.some((i) => i.outcome === "failed") ? "failed" : "refused",
      {
        ref: answer.ref,
        commit: answer.commit,
        count: answer.items.length,
        retry: retry.length > 0,
        items: answer.items.slice(0, AUDITED_ITEMS).map((i) => ({
          file: i.file,
          outcome: i.outcome,
          ...(i.app ? { app: i.app, environment: i.environment } : {}),
          ...(i.reason ? { reason: i.reason } : {}),
          ...(i.revision != null ? { revision: i.revision } : {}),
          ...(i.deployment ? { deployment: i.deployment } : {}),
        })),
      },
    );
  }

  private async audit(outcome: "ok" | "failed" | "refused", details: Record<string, unknown>): Promise<void> {
    await this.deps.store
      .appendAudit({ actor: this.watch.actor, command: "gitops-watch", target: this.repo, outcome, details })
      .catch((error: unknown) =>
        this.deps.logger.log("error", "gitops watch audit record failed", { error }),
      );
  }
}
