import { describe, expect, it } from "vitest";
import type { EnvironmentView } from "../service/types.js";
import { PAGE_SIZE, pageOf, parseAppsQuery, queryString, rowState } from "./apps-query.js";

function row(app: string, environment: string, outcome?: "succeeded" | "failed"): EnvironmentView {
  return {
    app,
    environment,
    currentRevision: outcome === "succeeded" ? 1 : undefined,
    latestRevision: 1,
    lock: undefined,
    endpoints: [],
    outputs: {},
    lastDeployment:
      outcome === undefined
        ? undefined
        : {
            app,
            environment,
            id: `${app}-${environment}`,
            number: 1,
            revision: 1,
            action: "apply",
            actor: "t",
            startedAt: "2026-01-01T00:00:00Z",
            finishedAt: "2026-01-01T00:00:01Z",
            outcome,
            error: undefined,
            state: outcome,
            eventCount: 3,
          },
  };
}

const rows = Array.from({ length: 60 }, (_, i) =>
  row(`app-${i}`, i % 3 === 0 ? "prod" : "dev", i % 4 === 0 ? "failed" : "succeeded"),
);

describe("the apps list query", () => {
  it("reads the query string leniently and clamps pages", () => {
    expect(parseAppsQuery({ q: "  Shop ", env: "dev", state: "failed", page: "3" })).toEqual({
      search: "shop",
      environment: "dev",
      state: "failed",
      page: 3,
    });
    expect(parseAppsQuery({ state: "weird", page: "-4" })).toMatchObject({ state: "", page: 1 });
    expect(parseAppsQuery({ page: "1e99" }).page).toBe(1);
  });

  it("pages the matching rows and says how many match", () => {
    const all = pageOf(rows, parseAppsQuery({}));
    expect(all.total).toBe(60);
    expect(all.pages).toBe(Math.ceil(60 / PAGE_SIZE));
    expect(all.rows).toHaveLength(PAGE_SIZE);
    const last = pageOf(rows, parseAppsQuery({ page: "99" }));
    expect(last.page).toBe(3);
    expect(last.rows).toHaveLength(60 - 2 * PAGE_SIZE);
    expect(all.environments).toEqual(["dev", "prod"]);
  });

  it("filters by search, environment and last outcome together", () => {
    const page = pageOf(rows, parseAppsQuery({ q: "app-1", env: "prod", state: "failed" }));
    // app-1x and app-1 with i % 3 == 0 and i % 4 == 0: 12
    expect(page.rows.map((r) => r.app)).toEqual(["app-12"]);
    expect(rowState(row("x", "y"))).toBe("never");
  });

  it("links other pages with the same filters", () => {
    expect(queryString(parseAppsQuery({ q: "a&b", env: "dev" }), 2)).toBe("/?q=a%26b&env=dev&page=2");
    expect(queryString(parseAppsQuery({}), 1)).toBe("/");
  });
});
