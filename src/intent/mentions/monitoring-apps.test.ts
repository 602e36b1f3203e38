import { describe, expect, it } from "vitest";
import { interpretRules } from "../rules-interpreter.js";

const read = (text: string) => {
  const r = interpretRules(text);
  return { services: r.spec.services.map((s) => s.name), monitoring: r.spec.monitoring?.enabled };
};

describe("monitoring apps: a service when listed as one, else a monitoring wish", () => {
  it("a monitoring app in a list of components is deployed", () => {
    expect(read("Deploy the metrics app with grafana and a time-series database").services).toEqual([
      "grafana",
    ]);
    expect(read("deploy the api with postgres and grafana").services).toContain("grafana");
    expect(read("deploy the api with grafana, redis and postgres").services).toContain("grafana");
  });

  it('"with grafana" alone turns monitoring on instead of vanishing', () => {
    expect(read("deploy the api with grafana")).toEqual({ services: ["api"], monitoring: true });
    expect(read("deploy the api with grafana dashboards and postgres")).toEqual({
      services: ["api"],
      monitoring: true,
    });
  });
});
