/**
 * Health from the provider in the apps list, for the visible page only: the list answers
 * first (store rows, no provider call), then the page asks for its rows' health (htmx, on
 * load). Each row is asked through the service's live status, all at once, and waits at most
 * DEADLINE_MS: "unknown" when the provider is slower (its call, bounded by the service's own
 * deadline, still fills the cache). Answers are kept TTL_MS per running deployment, and a
 * row already being asked is not asked twice, so many viewers of one page cost one call per
 * row per TTL, never one per app in the store.
 */
import type { CodeService, EnvironmentView } from "../service/types.js";

export type HealthState = "healthy" | "degraded" | "unknown" | "not reported" | "not deployed";

export interface HealthView {
  readonly state: HealthState;
  readonly detail?: string;
}

/** What the environment page and the list say about one environment's live status. */
export function healthOf(env: EnvironmentView): HealthView {
  if (env.currentRevision === undefined) return { state: "not deployed" };
  if (env.observeError) return { state: "unknown", detail: env.observeError };
  if (env.workloads === undefined)
    return { state: "not reported", detail: "this provider reports no health" };
  const bad = env.workloads.filter((w) => w.status !== "running").length;
  const drift = (env.problems ?? []).length;
  if (bad === 0 && drift === 0) return { state: "healthy" };
  return { state: "degraded", detail: `${bad} workload(s) not running, ${drift} drift finding(s)` };
}

export const DEADLINE_MS = 1500;
export const TTL_MS = 30_000;
const MAX_ENTRIES = 5000;

type Row = Pick<EnvironmentView, "app" | "environment" | "currentRevision" | "lastDeployment">;

export interface HealthCheckerOptions {
  readonly deadlineMs?: number;
  readonly ttlMs?: number;
  readonly now?: () => number;
}

/** The checker one dashboard keeps (its cache is shared by every visit). */
export function healthChecker(options: HealthCheckerOptions = {}) {
  const deadlineMs = options.deadlineMs ?? DEADLINE_MS;
  const ttlMs = options.ttlMs ?? TTL_MS;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; answer: Promise<HealthView> }>();

  const ask = (service: Pick<CodeService, "status">, row: Row): Promise<HealthView> => {
    // A new deployment is a new key: its health is asked afresh.
    const key = JSON.stringify([row.app, row.environment, row.currentRevision, row.lastDeployment?.id]);
    const hit = cache.get(key);
    if (hit && now() - hit.at < ttlMs) return hit.answer;
    const answer = service
      .status({ app: row.app, environment: row.environment, live: true })
      .then(({ environments: [env] }): HealthView => (env ? healthOf(env) : { state: "not deployed" }))
      .catch(
        (error: unknown): HealthView => ({
          state: "unknown",
          detail: error instanceof Error ? error.message.split("\n")[0] : String(error),
        }),
      );
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(key, { at: now(), answer });
    return answer;
  };

  /** Health per `app/environment` of the rows (the visible page). */
  return async (service: Pick<CodeService, "status">, rows: readonly Row[]) => {
    const late: HealthView = { state: "unknown", detail: `no answer within ${deadlineMs / 1000} s` };
    const answers = await Promise.all(
      rows.map(async (row) => {
        if (row.currentRevision === undefined) return [row, { state: "not deployed" } as const] as const;
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<HealthView>((resolve) => {
          timer = setTimeout(() => resolve(late), deadlineMs);
        });
        try {
          return [row, await Promise.race([ask(service, row), deadline])] as const;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return new Map(answers.map(([row, health]) => [`${row.app}/${row.environment}`, health]));
  };
}
