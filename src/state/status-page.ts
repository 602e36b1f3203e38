/**
 * One page of the environments' status, for lists of thousands (the dashboard's
 * apps list, `GET /v1/environments`): the visibility filter, the environment
 * filter, the search, the state filter, the order, the page and the total count
 * are all answered by SQL: the database reads indexes, the process receives the
 * page's rows and one count, never the whole fleet.
 *
 * A deployment without an outcome is `running` or `interrupted` depending on
 * its lock, and whether a lock is live is partly a question for this process
 * (is its holder's pid alive?): the live locks' tokens are decided here first
 * (locks are few: one per change in flight) and passed to the query.
 *
 * Environments whose first change still waits in the deployment queue (open
 * rows of `deployment_jobs`) are listed too, with state `queued`.
 */
import { type RawBuilder, sql } from "kysely";
import type { StoreContext } from "./context.js";
import type { DeploymentsTable } from "./db-schema.js";
import { toDeployment } from "./deployments.js";
import { toLockInfo } from "./locks.js";
import { OPEN_JOB_STATES } from "./status.js";
import type { EnvironmentState, EnvironmentStatus, StatusPage, StatusPageQuery } from "./types.js";

/** What a page may hold at most; callers ask for less. */
export const MAX_PAGE = 500;

interface PageRow extends DeploymentsTable {
  pair_app: string;
  pair_environment: string;
  rev_n: number | null;
  /** Open jobs (a bigint, read as a string, on Postgres). */
  queued_n: number | string;
  ok_revision: number | null;
  ok_action: string | null;
}

export async function statusPage(ctx: StoreContext, query: StatusPageQuery): Promise<StatusPage> {
  const db = ctx.backend.db;
  const open = sql`state in (${sql.join(OPEN_JOB_STATES)})`;
  const names = await sql<{ environment: string }>`
    select environment from revisions union select environment from deployments
    union select environment from deployment_jobs where ${open}`.execute(db);
  const all = names.rows.map((r) => r.environment).sort();
  const environments = query.visible ? all.filter((e) => query.visible?.(e)) : all;
  const empty = { rows: [], total: 0, environments };
  if (environments.length === 0) return empty;
  if (query.environment !== undefined && !environments.includes(query.environment)) return empty;

  const lockRows = await db.selectFrom("locks").selectAll().execute();
  const locks = lockRows.map((row) => toLockInfo(ctx, row));
  const liveTokens = lockRows.filter((_, i) => locks[i]?.expired === false).map((row) => row.token);

  const conditions: RawBuilder<unknown>[] = [];
  if (query.environment !== undefined) conditions.push(sql`environment = ${query.environment}`);
  else if (environments.length < all.length) conditions.push(sql`environment in (${sql.join(environments)})`);
  if (query.search !== undefined && query.search !== "")
    conditions.push(sql`lower(app) like ${`%${escapeLike(query.search.toLowerCase())}%`} escape '\\'`);
  const where = conditions.length === 0 ? sql`` : sql`where ${sql.join(conditions, sql` and `)}`;
  const whereOpen = sql`where ${sql.join([...conditions, open], sql` and `)}`;

  const running =
    liveTokens.length === 0
      ? sql`1 = 0`
      : sql`exists (select 1 from locks k where k.app = l.app and k.environment = l.environment
          and k.token in (${sql.join(liveTokens)})
          and (k.deployment_id = l.id or (k.deployment_id is null and k.acquired_at <= l.started_at)))`;
  const state = sql`case
      when l.id is null then (case when s.queued_n > 0 then 'queued' else 'never' end)
      when l.outcome is null then (case when ${running} then 'running' else 'interrupted' end)
      when l.action = 'destroy' and l.outcome = 'succeeded' then 'destroyed'
      else l.outcome end`;

  // Code-point order on both backends (a Postgres database's default collation may ignore hyphens).
  const c = ctx.backend.dialect === "postgres" ? sql` collate "C"` : sql``;
  const limit = Math.max(0, Math.min(MAX_PAGE, Math.floor(query.limit)));
  const offset = Math.max(0, Math.floor(query.offset ?? 0));
  // Ordered by name without a state filter (the list's first screen), the page is cut from the
  // pairs alone and only its rows are looked up; otherwise every pair is summarised first.
  const byNameOnly = query.state === undefined && query.sort !== "recent";
  const pairs = sql`pairs as (
      select app, environment from revisions ${where}
      union
      select app, environment from deployments ${where}
      union
      select app, environment from deployment_jobs ${whereOpen}
    )`;
  const source = byNameOnly
    ? sql`(select app, environment from pairs order by app${c}, environment${c}
        limit ${limit} offset ${offset})`
    : sql`pairs`;

  // Each pair with the numbers of its last deployment, its last succeeded one and its latest
  // revision: index look-ups on (app, environment, number) per pair.
  const listed = sql`
    with ${pairs},
    summary as (
      select p.app as pair_app, p.environment as pair_environment,
        (select max(d.number) from deployments d where d.app = p.app and d.environment = p.environment) as last_n,
        (select max(d.number) from deployments d where d.app = p.app and d.environment = p.environment
          and d.outcome = 'succeeded') as ok_n,
        (select max(r.number) from revisions r where r.app = p.app and r.environment = p.environment) as rev_n,
        (select count(*) from deployment_jobs j where j.app = p.app and j.environment = p.environment
          and j.state in (${sql.join(OPEN_JOB_STATES)})) as queued_n
      from ${source} p
    ),
    listed as (
      select s.pair_app, s.pair_environment, s.rev_n, s.queued_n, l.*, ok.revision as ok_revision, ok.action as ok_action,
        ${state} as state
      from summary s
      left join deployments l on l.app = s.pair_app and l.environment = s.pair_environment and l.number = s.last_n
      left join deployments ok on ok.app = s.pair_app and ok.environment = s.pair_environment and ok.number = s.ok_n
    )`;
  const stateWhere = query.state === undefined ? sql`` : sql`where state = ${query.state}`;
  const byName = sql`pair_app${c}, pair_environment${c}`;
  const order =
    query.sort === "recent"
      ? sql`order by coalesce(started_at, '') desc, ${byName}`
      : sql`order by ${byName}`;
  const cut = byNameOnly ? sql`` : sql`limit ${limit} offset ${offset}`;
  const counted =
    query.state === undefined
      ? sql`with ${pairs} select cast(count(*) as integer) as n from pairs`
      : sql`${listed} select cast(count(*) as integer) as n from listed ${stateWhere}`;

  const [count, page] = await Promise.all([
    sql<{ n: number }>`${counted}`.execute(db),
    sql<PageRow>`${listed} select * from listed ${stateWhere} ${order} ${cut}`.execute(db),
  ]);
  return {
    rows: page.rows.map((row) => toStatus(row, locks)),
    total: Number(count.rows[0]?.n ?? 0),
    environments,
  };
}

function toStatus(row: PageRow, locks: Parameters<typeof toDeployment>[1]): EnvironmentStatus {
  const key = { app: row.pair_app, environment: row.pair_environment };
  return {
    ...key,
    // A succeeded destroy leaves nothing deployed.
    currentRevision: row.ok_revision === null || row.ok_action === "destroy" ? undefined : row.ok_revision,
    latestRevision: row.rev_n === null ? undefined : Number(row.rev_n),
    lastDeployment: row.id === null ? undefined : toDeployment(row, locks),
    lock: locks.find((l) => l.app === key.app && l.environment === key.environment),
    ...(Number(row.queued_n) > 0 ? { queued: Number(row.queued_n) } : {}),
  };
}

/** `%`, `_` and the escape itself match literally in a LIKE pattern with `escape '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export const ENVIRONMENT_STATES: readonly EnvironmentState[] = [
  "succeeded",
  "failed",
  "rolled-back",
  "running",
  "cancelled",
  "interrupted",
  "destroyed",
  "queued",
  "never",
];
