/**
 * POST /v1/deployments with words goes through the same action gate as the
 * CLI (src/intent/action-gate.ts): other actions and open questions answer 422
 * INTENT_REFUSED naming the route or the questions, and nothing is recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, keyFor, startHarness } from "./__fixtures__/harness.js";

let h: Harness;
let deployer: string;

beforeAll(async () => {
  h = await startHarness();
  deployer = await keyFor(h.store, "ci", "deployer");
});
afterAll(async () => {
  await h.close();
});

const deploy = (json: Record<string, unknown>) =>
  h.request("/v1/deployments", { method: "POST", token: deployer, json });

describe("POST /v1/deployments with words", () => {
  it("refuses a tear-down with the route to use", async () => {
    const res = await deploy({ text: "tear down the shop in staging" });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; hint: string } };
    expect(body.error.code).toBe("INTENT_REFUSED");
    expect(body.error.hint).toContain("DELETE /v1/apps/shop/environments/staging");
  });

  it("refuses a question: questions never deploy", async () => {
    const res = await deploy({ text: "what is running for shop in staging?" });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("INTENT_REFUSED");
  });

  it("lists open questions unless acceptAssumptions", async () => {
    const text = "deploy nginx:1.27 as front with a search engine to staging";
    const res = await deploy({ text });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { details: { questions: string[] } } };
    expect(body.error.details.questions.join(" ")).toContain("search engine");
    const before = await h.request("/v1/apps/front/environments/staging/history", { token: deployer });
    expect(JSON.stringify(await before.json())).not.toContain('"revision"');
    const ok = await deploy({ text, acceptAssumptions: true });
    expect(ok.status).toBe(202);
    await h.api.runs.idle();
    const after = await h.request("/v1/apps/front/environments/staging/history", { token: deployer });
    expect(JSON.stringify(await after.json())).toContain("search engine");
  });
});
