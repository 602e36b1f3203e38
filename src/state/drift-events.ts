/**
 * Drift events: each check that found drift, and whether a self-heal ran and
 * how it ended, kept per app and environment in their own table (since
 * migration 0009) so they are listed and paged without reading the audit
 * chain. Numbered 1, 2, 3... per app + environment (the cursor of a page);
 * bounded: recording one drops those past the retention (count and age).
 */
import type { StoreContext } from "./context.js";
import { keyName } from "./context.js";
import { redactSecrets } from "./redact.js";
import type { EnvironmentKey } from "./types.js";

export interface DriftHeal {
  /** The deployment that re-applied the revision; absent when it could not start. */
  readonly deployment?: string | undefined;
  /** `succeeded`, `failed`... or `refused` when the heal could not start. */
  readonly outcome: string;
  /** Resources still drifted after the heal, when checked again. */
  readonly driftAfter?: number | undefined;
}

export interface DriftEventInput extends EnvironmentKey {
  /** The applied revision the check compared with. */
  readonly revision: number;
  readonly provider: string;
  /** Distinct resources with a difference. */
  readonly resources: number;
  /** What changed, short: the first items, their count (JSON; secret-looking values redacted). */
  readonly summary: unknown;
  /** Who checked: the caller of `codeploy drift`, or serve's checker. */
  readonly checker: string;
}

export interface DriftEvent extends DriftEventInput {
  /** 1, 2, 3... per app + environment. */
  readonly seq: number;
  /** ISO 8601, UTC. */
  readonly at: string;
  /** True when a self-heal ran and succeeded. */
  readonly healed: boolean;
  readonly heal: DriftHeal | undefined;
}

export interface DriftRetention {
  /** Events kept per app + environment. */
  readonly keep: number;
  /** Events older than this are dropped. */
  readonly maxAgeDays: number;
}

export interface DriftEventPage {
  /** Newest first. */
  readonly events: DriftEvent[];
  /** Pass as `before` for the next (older) page; absent on the last page. */
  readonly next?: number;
}

export interface DriftEventStore {
  /** Records a check that found drift, then drops events past the retention for that app + environment. */
  record(input: DriftEventInput, retention: DriftRetention): Promise<DriftEvent>;
  /** Records how the self-heal of event `seq` ended; false when there is no such event. */
  setHeal(key: EnvironmentKey, seq: number, heal: DriftHeal): Promise<boolean>;
  /** Newest first, `limit` (default 50, at most 500) events older than `before`. */
  list(
    key: EnvironmentKey,
    options?: { readonly limit?: number; readonly before?: number },
  ): Promise<DriftEventPage>;
}

interface DriftEventsTable {
  app: string;
  environment: string;
  seq: number;
  at: string;
  revision: number;
  provider: string;
  resources: number;
  summary_json: string;
  /** 0 or 1 (no booleans: portable). */
  healed: number;
  heal_json: string | null;
  checker: string;
}

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;

function fromRow(row: DriftEventsTable): DriftEvent {
  return {
    app: row.app,
    environment: row.environment,
    seq: Number(row.seq),
    at: row.at,
    revision: Number(row.revision),
    provider: row.provider,
    resources: Number(row.resources),
    summary: JSON.parse(row.summary_json) as unknown,
    checker: row.checker,
    healed: Number(row.healed) === 1,
    heal: row.heal_json === null ? undefined : (JSON.parse(row.heal_json) as DriftHeal),
  };
}

export function createDriftEventStore(ctx: StoreContext): DriftEventStore {
  const db = ctx.backend.db.withTables<{ drift_events: DriftEventsTable }>();
  return {
    async record(input, retention) {
      const row = await ctx.backend.writeTx(keyName("drift", input), async (trx) => {
        const t = trx.withTables<{ drift_events: DriftEventsTable }>();
        const last = await t
          .selectFrom("drift_events")
          .select((eb) => eb.fn.max("seq").as("n"))
          .where("app", "=", input.app)
          .where("environment", "=", input.environment)
          .executeTakeFirst();
        const now = ctx.clock();
        const row: DriftEventsTable = {
          app: input.app,
          environment: input.environment,
          seq: Number(last?.n ?? 0) + 1,
          at: now.toISOString(),
          revision: input.revision,
          provider: input.provider,
          resources: input.resources,
          summary_json: JSON.stringify(redactSecrets(input.summary) ?? null),
          healed: 0,
          heal_json: null,
          checker: input.checker,
        };
        await t.insertInto("drift_events").values(row).execute();
        const oldest = new Date(now.getTime() - retention.maxAgeDays * 86_400_000).toISOString();
        await t
          .deleteFrom("drift_events")
          .where("app", "=", input.app)
          .where("environment", "=", input.environment)
          .where((eb) => eb.or([eb("seq", "<=", row.seq - retention.keep), eb("at", "<", oldest)]))
          .execute();
        return row;
      });
      return fromRow(row);
    },
    async setHeal(key, seq, heal) {
      const result = await ctx.backend.writeTx(keyName("drift", key), (trx) =>
        trx
          .withTables<{ drift_events: DriftEventsTable }>()
          .updateTable("drift_events")
          .set({ healed: heal.outcome === "succeeded" ? 1 : 0, heal_json: JSON.stringify(heal) })
          .where("app", "=", key.app)
          .where("environment", "=", key.environment)
          .where("seq", "=", seq)
          .executeTakeFirst(),
      );
      return Number(result.numUpdatedRows) > 0;
    },
    async list(key, options = {}) {
      const limit = Math.min(Math.max(1, Math.trunc(options.limit ?? DEFAULT_PAGE)), MAX_PAGE);
      let query = db
        .selectFrom("drift_events")
        .selectAll()
        .where("app", "=", key.app)
        .where("environment", "=", key.environment);
      if (options.before !== undefined) query = query.where("seq", "<", options.before);
      // One more than asked tells whether an older page exists.
      const rows = await query
        .orderBy("seq", "desc")
        .limit(limit + 1)
        .execute();
      const events = rows.slice(0, limit).map(fromRow);
      const last = events.at(-1);
      return rows.length > limit && last ? { events, next: last.seq } : { events };
    },
  };
}
