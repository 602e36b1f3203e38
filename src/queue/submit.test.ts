import { describe, expect, it } from "vitest";
import { secretInClear } from "./submit.js";

describe("a queued request keeps no secret values", () => {
  it("names the first value the store would redact", () => {
    const request = {
      input: {
        spec: {
          name: "shop",
          services: [{ name: "web", env: { LOG_LEVEL: "info", DB_PASSWORD: "hunter2-but-longer" } }],
        },
      },
    };
    expect(secretInClear(request)).toBe("request.input.spec.services[0].env.DB_PASSWORD");
  });

  it("lets secret:NAME references and ordinary values through", () => {
    const request = {
      acceptRisk: true,
      parallelism: 2,
      input: {
        spec: {
          name: "shop",
          services: [{ name: "web", env: { DB_PASSWORD: "secret:shop_db", PORT: "8080" } }],
        },
        origin: "deploy the shop to staging",
      },
    };
    expect(secretInClear(request)).toBeUndefined();
  });

  it("finds a credential by its shape under an ordinary name", () => {
    const url = "postgres://app:s3cr3t-pass@db:5432/app";
    expect(secretInClear({ input: { spec: { services: [{ env: { DATABASE: url } }] } } })).toBe(
      "request.input.spec.services[0].env.DATABASE",
    );
  });
});
