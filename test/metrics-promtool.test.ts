/** CODE's own /metrics as Prometheus's promtool reads it (Debian's prometheus package, installed by .ci/run). */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../src/server/__fixtures__/harness.js";

const promtool = spawnSync("promtool", ["--version"]).status === 0;
if (!promtool && process.env.CI) throw new Error("promtool is missing: apt-get install prometheus");

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

describe.skipIf(!promtool)("GET /metrics under promtool check metrics", () => {
  it("passes, after requests and a deployment have fed every family", async () => {
    await h.seed("shop", "staging");
    await h.request("/healthz");
    await h.request("/v1/apps");
    const text = await (await h.request("/metrics")).text();
    expect(text).toContain("codeploy_nodejs_active_handles ");
    const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    expect(`${check.stdout}${check.stderr}`.trim()).toBe("");
    expect(check.status).toBe(0);
  });
});
