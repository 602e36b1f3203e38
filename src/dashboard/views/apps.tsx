/** The apps list: one row per app + environment, searched, filtered and paged on the server. */
import { type AppsPage, type AppsQuery, queryString, ROW_STATES, rowState } from "../apps-query.js";
import type { HealthView } from "../health.js";
import { age, appPath, Badge } from "./layout.js";

export function AppsFilters({ query, page }: { query: AppsQuery; page: AppsPage }) {
  return (
    <form
      method="get"
      action="/"
      class="filters"
      aria-label="Search and filters"
      hx-get="/"
      hx-trigger="input changed delay:300ms from:#q, change"
      hx-target="#apps-results"
      hx-swap="outerHTML"
      hx-push-url="true"
    >
      <label>
        Search apps <input id="q" name="q" type="search" value={query.search} autocomplete="off" />
      </label>
      <label>
        Environment{" "}
        <select name="env">
          <option value="">all</option>
          {page.environments.map((e) => (
            <option value={e} selected={e === query.environment}>
              {e}
            </option>
          ))}
        </select>
      </label>
      <label>
        Last outcome{" "}
        <select name="state">
          <option value="">any</option>
          {ROW_STATES.map((s) => (
            <option value={s} selected={s === query.state}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        Order{" "}
        <select name="sort">
          <option value="name" selected={query.sort === "name"}>
            by name
          </option>
          <option value="recent" selected={query.sort === "recent"}>
            last deployed first
          </option>
        </select>
      </label>
      <button type="submit">Filter</button>
    </form>
  );
}

export function AppsResults(props: {
  query: AppsQuery;
  page: AppsPage;
  costs: ReadonlyMap<string, string>;
  /** Objects drifted at the server's last check; undefined: not checked (drift.intervalMinutes off, or not yet). */
  drift: (app: string, environment: string) => number | undefined;
  /** The providers' answers for this page; undefined: not asked yet (the page asks once loaded). */
  health?: ReadonlyMap<string, HealthView>;
  now: number;
}) {
  const { page, query } = props;
  const healthOf = (app: string, environment: string) => {
    if (props.health === undefined) return "asking the provider…";
    const h = props.health.get(`${app}/${environment}`);
    if (h === undefined) return "unknown";
    // The reason is worth a column's width only when something is wrong or unknown.
    return h.detail && (h.state === "degraded" || h.state === "unknown")
      ? `${h.state}: ${h.detail}`
      : h.state;
  };
  return (
    <section id="apps-results" aria-live="polite">
      {props.health === undefined ? (
        // The rows come first; the providers are asked for this page's health once it has loaded.
        <div
          hx-get={`/ui/apps-health${queryString(query, page.page).slice(1)}`}
          hx-trigger="load"
          hx-target="#apps-results"
          hx-swap="outerHTML"
        />
      ) : null}
      <p class="count">
        {page.total} environment{page.total === 1 ? "" : "s"}, page {page.page} of {page.pages}
      </p>
      <table class="apps">
        <caption class="sr-only">Apps and environments</caption>
        <thead>
          <tr>
            <th scope="col">App</th>
            <th scope="col">Environment</th>
            <th scope="col">Last outcome</th>
            <th scope="col">Health</th>
            <th scope="col">When</th>
            <th scope="col">Revision</th>
            <th scope="col">Monthly cost</th>
            <th scope="col">Drift</th>
            <th scope="col">Lock</th>
          </tr>
        </thead>
        <tbody>
          {page.rows.map((r) => (
            <tr>
              <th scope="row">
                <a href={appPath(r.app, r.environment)}>{r.app}</a>
              </th>
              <td>{r.environment}</td>
              <td>
                <Badge value={rowState(r)} />
              </td>
              <td class="health">{healthOf(r.app, r.environment)}</td>
              <td>{age(r.lastDeployment?.finishedAt ?? r.lastDeployment?.startedAt, props.now)}</td>
              <td>{r.currentRevision ?? "—"}</td>
              <td>{props.costs.get(`${r.app}/${r.environment}`) ?? "—"}</td>
              <td>{driftText(props.drift(r.app, r.environment))}</td>
              <td>{r.lock ? `held by ${r.lock.actor}` : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav aria-label="Pages" class="pages">
        {page.page > 1 ? <a href={queryString(query, page.page - 1)}>Previous page</a> : null}
        {page.page < page.pages ? <a href={queryString(query, page.page + 1)}>Next page</a> : null}
      </nav>
    </section>
  );
}

function driftText(resources: number | undefined): string {
  if (resources === undefined) return "not checked";
  return resources === 0 ? "none" : `${resources} drifted`;
}
