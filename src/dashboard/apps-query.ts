/**
 * The apps list's search, filters and pages over the service's brief status
 * rows. Pure: the rows come sorted by app and environment from the store.
 */
import type { EnvironmentView } from "../service/types.js";

export const PAGE_SIZE = 25;
const MAX_SEARCH = 100;

/** What a row's state is called in the filter and its badge. */
export type RowState =
  | "succeeded"
  | "failed"
  | "rolled-back"
  | "running"
  | "cancelled"
  | "interrupted"
  | "destroyed"
  | "never";
export const ROW_STATES: readonly RowState[] = [
  "succeeded",
  "failed",
  "rolled-back",
  "running",
  "cancelled",
  "interrupted",
  "destroyed",
  "never",
];

export interface AppsQuery {
  readonly search: string;
  readonly environment: string;
  readonly state: RowState | "";
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
    page: Number.isFinite(page) && page >= 1 ? Math.min(page, 1_000_000) : 1,
  };
}

export function rowState(row: EnvironmentView): RowState {
  const d = row.lastDeployment;
  if (d === undefined) return "never";
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

export function pageOf(all: readonly EnvironmentView[], query: AppsQuery): AppsPage {
  const environments = [...new Set(all.map((r) => r.environment))].sort();
  const matching = all.filter(
    (r) =>
      (query.search === "" || r.app.includes(query.search)) &&
      (query.environment === "" || r.environment === query.environment) &&
      (query.state === "" || rowState(r) === query.state),
  );
  const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
  const page = Math.min(query.page, pages);
  return {
    rows: matching.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE),
    total: matching.length,
    page,
    pages,
    environments,
  };
}

/** The query string of another page with the same filters. */
export function queryString(query: AppsQuery, page: number): string {
  const params = new URLSearchParams();
  if (query.search) params.set("q", query.search);
  if (query.environment) params.set("env", query.environment);
  if (query.state) params.set("state", query.state);
  if (page > 1) params.set("page", String(page));
  const s = params.toString();
  return s === "" ? "/" : `/?${s}`;
}
