import { describe, expect, it } from "vitest";
import { isProduction, namesProduction } from "./environment.js";

describe("production, written once", () => {
  it("a spec is production when its environment is", () => {
    expect(isProduction({ environment: "production" })).toBe(true);
    expect(isProduction({ environment: "staging" })).toBe(false);
  });

  it("a name says production when prod or production stands as a word", () => {
    expect(namesProduction("production")).toBe(true);
    expect(namesProduction("staging", "shop-prod-eu")).toBe(true);
    expect(namesProduction("PROD")).toBe(true);
    expect(namesProduction("preprod", "product", "staging")).toBe(false);
    expect(namesProduction()).toBe(false);
  });
});
