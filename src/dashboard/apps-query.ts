/**
 * The apps list's query string, and its page as the service answers it: the
 * search, filters, order, page and count are the store's SQL (statusPage), so
 * the list costs the same with 50 or 50,000 environments.
 */
import type { CodeService, EnvironmentView } from "../service/types.js";
import { ENVIRONMENT_STATES } from "../state/status-page.js";
import type { EnvironmentState } from "../state/types.js";

export const PAGE_SIZE = 25;
const MAX_SEARCH = 100;

/** What a row's state is called in the filter and its badge (the store decides it for the filter). */
export type RowState = EnvironmentState;
export const ROW_STATES: readonly RowState[] = ENVIRONMENT_STATES;

export type AppsSort = "name" | "recent";
const SORTS: readonly AppsSort[] = ["name", "recent"];

export interface AppsQuery {
  readonly search: string;
  readonly environment: string;
  readonly state: RowState | "";
  readonly sort: AppsSort;
  /** 1-based. */
  readonly page: number;
}

/** Reads the query string leniently: anything unknown becomes "no filter", pages are clamped. */
export function parseAppsQuery(q: Readonly<Record<string, string | undefined>>): AppsQuery {
  const page = Number.parseInt(q.page ?? "1", 10);
  const state = ROW_STATES.find((s) => s === q.state) ?? "";
  return {
    search: (q.q ?? "").trim().slice(0, MAX_SEARCH).toLowerCase(),
    environment: (q.env ?? "").slice(0, MAX_SEARCH),
    state,
    sort: SORTS.find((s) => s === q.sort) ?? "name",
    page: Number.isFinite(page) && page >= 1 ? Math.min(page, 1_000_000) : 1,
  };
}

export function rowState(row: EnvironmentView): RowState {
  const d = row.lastDeployment;
  if (d === undefined) return row.queued !== undefined ? "queued" : "never";
  if (d.state === "interrupted") return "interrupted";
  if (d.outcome === undefined) return "running";
  if (d.action === "destroy" && d.outcome === "succeeded") return "destroyed";
  return d.outcome;
}

export interface AppsPage {
  readonly rows: readonly EnvironmentView[];
  /** Rows matching the filters. */
  readonly total: number;
  readonly page: number;
  readonly pages: number;
  /** Every environment name among the rows the caller sees (for the filter). */
  readonly environments: readonly string[];
}

/** The page the query names (the last one when it names a page beyond it). */
export async function readAppsPage(
  service: Pick<CodeService, "statusPage">,
  query: AppsQuery,
): Promise<AppsPage> {
  const ask = (page: number) =>
    service.statusPage({
      ...(query.search ? { search: query.search } : {}),
      ...(query.environment ? { environment: query.environment } : {}),
      ...(query.state ? { state: query.state } : {}),
      sort: query.sort,
      offset: (page - 1) * PAGE_SIZE,
      limit: PAGE_SIZE,
    });
  let page = query.page;
  let answer = await ask(page);
  const pages = Math.max(1, Math.ceil(answer.total / PAGE_SIZE));
  if (page > pages) {
    page = pages;
    answer = await ask(page);
  }
  return {
    rows: answer.environments,
    total: answer.total,
    page,
    pages: Math.max(1, Math.ceil(answer.total / PAGE_SIZE)),
    environments: answer.environmentNames,
  };
}

/** The query string of another page with the same filters. */
export function queryString(query: AppsQuery, page: number): string {
  const params = new URLSearchParams();
  if (query.search) params.set("q", query.search);
  if (query.environment) params.set("env", query.environment);
  if (query.state) params.set("state", query.state);
  if (query.sort !== "name") params.set("sort", query.sort);
  if (page > 1) params.set("page", String(page));
  const s = params.toString();
  return s === "" ? "/" : `/?${s}`;
}
