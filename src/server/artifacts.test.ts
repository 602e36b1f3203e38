/**
 * POST /v1/artifacts and the HTTP service's artifacts over it: rendered files of a spec or a
 * stored revision, redacted by the GitOps commit's rule, under the caller's RBAC.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, httpServiceOf, keyFor, startHarness } from "./__fixtures__/harness.js";

let h: Harness;
let admin: string;
let stagingViewer: string;

beforeAll(async () => {
  h = await startHarness();
  await h.seed("alpha", "staging", "nginx:1.26");
  await h.seed("alpha", "production", "nginx:1.26");
  admin = await keyFor(h.store, "admin", "admin");
  stagingViewer = await keyFor(h.store, "viewer", "viewer", ["staging"]);
});

afterAll(async () => {
  await h.close();
});

const service = (token: string) => httpServiceOf(h.api.app, token);

const spec = {
  name: "alpha",
  environment: "staging",
  target: "docker",
  services: [{ name: "web", image: "nginx:1.27", port: 80, env: { DB_PASSWORD: "hunter2-literal" } }],
  databases: [{ name: "db", engine: "postgres" }],
};

describe("POST /v1/artifacts", () => {
  it("renders what runs, by default the current revision", async () => {
    const answer = await service(stagingViewer).artifacts({ app: "alpha", environment: "staging" });
    expect(answer).toMatchObject({ app: "alpha", environment: "staging", revision: 1 });
    expect(answer.files.some((f) => f.content?.includes("nginx:1.26"))).toBe(true);
  });

  it("renders a spec with literal secrets redacted and sensitive files withheld, with the reason", async () => {
    const answer = await service(admin).artifacts({ spec });
    expect(JSON.stringify(answer)).not.toContain("hunter2-literal");
    expect(answer.files.some((f) => f.content?.includes("nginx:1.27"))).toBe(true);
    const env = answer.files.find((f) => f.path === ".env");
    expect(env).toEqual({ path: ".env", withheld: "sensitive: holds passwords or secret values" });
  });

  it("refuses a viewer a spec (plan permission) and an environment outside its scope", async () => {
    const planned = await h.request("/v1/artifacts", {
      method: "POST",
      token: stagingViewer,
      json: { spec },
    });
    expect(planned.status).toBe(403);
    const other = await h.request("/v1/artifacts", {
      method: "POST",
      token: stagingViewer,
      json: { app: "alpha", environment: "production" },
    });
    expect(other.status).toBe(403);
  });

  it("answers 400 for neither a spec nor an environment, and 404 for a revision that does not exist", async () => {
    const empty = await h.request("/v1/artifacts", { method: "POST", token: admin, json: {} });
    expect(empty.status).toBe(400);
    const missing = await h.request("/v1/artifacts", {
      method: "POST",
      token: admin,
      json: { app: "alpha", environment: "staging", revision: 99 },
    });
    expect(missing.status).toBe(404);
  });
});
