import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localCaller } from "../service/local.js";
import { readStatusPage } from "../service/status.js";
import { openStateStore } from "../state/store.js";
import type { StateStore } from "../state/types.js";
import { PAGE_SIZE, parseAppsQuery, queryString, readAppsPage, rowState } from "./apps-query.js";

let home: string;
let store: StateStore;

/** 60 environments on a real store: app-0..59, every third in prod, every fourth failed. */
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "codeploy-apps-query-"));
  store = await openStateStore({ home });
  for (let i = 0; i < 60; i++) {
    const key = { app: `app-${i}`, environment: i % 3 === 0 ? "prod" : "dev" };
    const revision = await store.createRevision({ ...key, spec: {}, actor: "t" });
    const d = await store.startDeployment({ ...key, revision: revision.number, action: "apply", actor: "t" });
    await store.finishDeployment(d.id, i % 4 === 0 ? "failed" : "succeeded");
  }
});

afterAll(async () => {
  await store.close();
  await rm(home, { recursive: true, force: true });
});

const service = { statusPage: (r = {}) => readStatusPage(store, localCaller("t"), r) };

describe("the apps list query", () => {
  it("reads the query string leniently and clamps pages", () => {
    expect(parseAppsQuery({ q: "  Shop ", env: "dev", state: "failed", page: "3", sort: "recent" })).toEqual({
      search: "shop",
      environment: "dev",
      state: "failed",
      sort: "recent",
      page: 3,
    });
    expect(parseAppsQuery({ state: "weird", page: "-4", sort: "x" })).toMatchObject({
      state: "",
      page: 1,
      sort: "name",
    });
    expect(parseAppsQuery({ page: "1e99" }).page).toBe(1);
  });

  it("pages the matching rows, says how many match, and turns a page beyond the last into the last", async () => {
    const all = await readAppsPage(service, parseAppsQuery({}));
    expect(all.total).toBe(60);
    expect(all.pages).toBe(Math.ceil(60 / PAGE_SIZE));
    expect(all.rows).toHaveLength(PAGE_SIZE);
    const last = await readAppsPage(service, parseAppsQuery({ page: "99" }));
    expect(last.page).toBe(3);
    expect(last.rows).toHaveLength(60 - 2 * PAGE_SIZE);
    expect(all.environments).toEqual(["dev", "prod"]);
  });

  it("filters by search, environment and last outcome together", async () => {
    const page = await readAppsPage(service, parseAppsQuery({ q: "app-1", env: "prod", state: "failed" }));
    // app-1 and app-1x with i % 3 == 0 and i % 4 == 0: 12
    expect(page.rows.map((r) => r.app)).toEqual(["app-12"]);
    expect(page.rows.map(rowState)).toEqual(["failed"]);
  });

  it("links other pages with the same filters", () => {
    expect(queryString(parseAppsQuery({ q: "a&b", env: "dev" }), 2)).toBe("/?q=a%26b&env=dev&page=2");
    expect(queryString(parseAppsQuery({ sort: "recent" }), 1)).toBe("/?sort=recent");
    expect(queryString(parseAppsQuery({}), 1)).toBe("/");
  });
});
