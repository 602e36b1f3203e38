/**
 * GET /v1/environments and the HTTP service's statusPage over it: a page of
 * what the token may see, searched, filtered and counted by the store, with
 * the same answer as the local service on the same store.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localCaller } from "../service/local.js";
import { readStatusPage } from "../service/status.js";
import { type Harness, httpServiceOf, keyFor, startHarness } from "./__fixtures__/harness.js";

let h: Harness;
let admin: string;
let stagingViewer: string;

beforeAll(async () => {
  h = await startHarness();
  for (const app of ["alpha", "beta", "gamma"]) {
    await h.seed(app, "staging");
    await h.seed(app, "production");
  }
  admin = await keyFor(h.store, "admin", "admin");
  stagingViewer = await keyFor(h.store, "viewer", "viewer", ["staging"]);
});

afterAll(async () => {
  await h.close();
});

const httpService = (token: string) => httpServiceOf(h.api.app, token);

const names = (rows: readonly { app: string; environment: string }[]) =>
  rows.map((r) => `${r.app}/${r.environment}`);

describe("GET /v1/environments", () => {
  it("answers a page and the total through the HTTP service as the local service does", async () => {
    const request = { search: "A", limit: 2, offset: 1 } as const;
    const remote = await httpService(admin).statusPage(request);
    expect(names(remote.environments)).toEqual(["alpha/staging", "beta/production"]);
    expect(remote).toMatchObject({
      total: 6,
      offset: 1,
      limit: 2,
      environmentNames: ["production", "staging"],
    });
    // What the local service's statusPage answers on the same store.
    const local = await readStatusPage(h.store, localCaller("test"), request);
    expect(JSON.parse(JSON.stringify(local))).toEqual(remote);
  });

  it("shows a key limited to staging only staging, and refuses to filter on another environment", async () => {
    const page = await httpService(stagingViewer).statusPage({ sort: "recent" });
    expect(names(page.environments)).toEqual(["gamma/staging", "beta/staging", "alpha/staging"]);
    expect(page).toMatchObject({ total: 3, environmentNames: ["staging"] });
    const refused = await h.request("/v1/environments?env=production", { token: stagingViewer });
    expect(refused.status).toBe(403);
  });

  it("refuses a limit above 100 and an unknown state with the parameter's name", async () => {
    for (const query of ["limit=1000", "state=sleeping", "sort=random"]) {
      const res = await h.request(`/v1/environments?${query}`, { token: admin });
      expect(res.status, query).toBe(400);
      expect(JSON.stringify(await res.json()), query).toContain(query.split("=")[0]);
    }
  });

  it("filters by state without reading every row into the answer", async () => {
    const res = await h.request("/v1/environments?state=succeeded&env=production&limit=1", { token: admin });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ total: 3, limit: 1, offset: 0 });
    expect(names(body.environments)).toEqual(["alpha/production"]);
  });
});
