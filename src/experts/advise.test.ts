import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeLlmServer, startFakeLlmServer } from "../llm/__fixtures__/fake-llm-server.js";
import { createLlmClient } from "../llm/index.js";
import { reviewPlan } from "../review/index.js";
import { validateSpec } from "../spec/index.js";
import { adviseOnPlan, planSummary } from "./advise.js";

let fake: FakeLlmServer;
beforeAll(async () => {
  fake = await startFakeLlmServer((req) =>
    JSON.stringify(req.body).includes('"summary"')
      ? {
          object: {
            summary: "Add backups before production.",
            recommendations: ["enable backups on postgres"],
          },
        }
      : { object: { answer: "Backups are off.", points: ["Enable backups for the postgres database"] } },
  );
});
afterAll(() => fake.close());

const spec = validateSpec({
  name: "shop",
  environment: "production",
  services: [{ name: "web", image: "nginx:1.27", port: 80 }],
  databases: [{ name: "postgres", engine: "postgres", backups: false }],
});

describe("plan --advise", () => {
  it("describes the plan in words: components, steps, cost and findings", () => {
    const text = planSummary(reviewPlan(spec));
    expect(text).toContain("App shop in production");
    expect(text).toContain("postgres postgres");
    expect(text).toMatch(/Steps \(\d+\): create network/);
    expect(text).toMatch(/Estimated cost: \$\d+\.\d\d a month/);
  });

  it("puts the plan to the circle and returns its consensus and recommendations", async () => {
    const member = (name: string) => ({
      name,
      client: createLlmClient({ provider: "ollama" as const, model: name, baseUrl: fake.baseUrl }),
      price: undefined,
    });
    const advice = await adviseOnPlan(reviewPlan(spec), {
      members: [member("a"), member("b")],
      chair: ["a"],
      deadlineMs: 2000,
    });
    expect(advice.question).toContain("App shop in production");
    expect(JSON.stringify(fake.requests[0]?.body)).toContain("What are its main risks");
    expect(advice.consensus.recommendations).toEqual(["enable backups on postgres"]);
    expect(advice.consensus.points[0]?.support).toEqual(["a", "b"]);
    expect(advice.cost.unpriced).toEqual(["a", "b"]);
  });
});
