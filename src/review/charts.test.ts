import { describe, expect, it } from "vitest";
import { validateSpec } from "../spec/validate.js";
import { reviewPlan } from "./index.js";

describe("a spec with a chart service, reviewed", () => {
  it("is approved in production: the rules about images, probes and resources judge only the services CODE renders", () => {
    const spec = validateSpec({
      name: "shop",
      environment: "production",
      target: "kubernetes",
      cloud: "aws",
      services: [
        {
          name: "web",
          image: "ghcr.io/acme/web:1.4.2",
          port: 8080,
          domain: "shop.example.com",
          replicas: 2,
          healthCheck: { path: "/healthz" },
          resources: { cpu: "500m", memory: "512Mi" },
          dependsOn: ["cache"],
        },
        { name: "cache", chart: { repo: "https://charts.example.com", name: "redis", version: "19.0.1" } },
      ],
    });
    const review = reviewPlan(spec);
    const aboutCache = review.findings.filter((f) => f.path?.startsWith("services[1]"));
    expect(aboutCache).toEqual([]);
    expect(review.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(review.plan.steps.map((s) => s.id)).toContain("service:cache");
    expect(review.cost.assumptions.join("\n")).toMatch(/cache is a Helm chart: priced as one replica/);
  });
});
