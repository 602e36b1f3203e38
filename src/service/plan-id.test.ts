import { describe, expect, it } from "vitest";
import { CodeError } from "../core/errors.js";
import { checkPlan, planIdOf } from "./plan-id.js";

const codeOf = (fn: () => void) => {
  try {
    fn();
  } catch (error) {
    return error instanceof CodeError ? error.code : "not a CodeError";
  }
  return "accepted";
};

describe("planId", () => {
  const spec = { name: "shop", environment: "staging", services: [{ name: "web", image: "nginx:1.27" }] };

  it("is the same for the same change in another key order, and differs for another spec", () => {
    const reordered = {
      services: [{ image: "nginx:1.27", name: "web" }],
      environment: "staging",
      name: "shop",
    };
    expect(planIdOf("apply", reordered, "r1")).toBe(planIdOf("apply", spec, "r1"));
    expect(planIdOf("apply", { ...spec, environment: "production" }, "r1")).not.toBe(
      planIdOf("apply", spec, "r1"),
    );
    expect(planIdOf("destroy", spec, "r1")).not.toBe(planIdOf("apply", spec, "r1"));
  });

  it("tells a stale plan (what runs changed) from a plan of another change", () => {
    const planned = planIdOf("apply", spec, "r1");
    expect(codeOf(() => checkPlan(planned, planned, "shop/staging"))).toBe("accepted");
    expect(codeOf(() => checkPlan(planIdOf("apply", spec, "r2"), planned, "shop/staging"))).toBe(
      "PLAN_STALE",
    );
    expect(codeOf(() => checkPlan(planIdOf("apply", { ...spec, name: "till" }, "r1"), planned, "x"))).toBe(
      "PLAN_MISMATCH",
    );
    expect(codeOf(() => checkPlan(planIdOf("rollback", spec, "r1"), planned, "x"))).toBe("PLAN_MISMATCH");
    expect(codeOf(() => checkPlan(planned, "", "x"))).toBe("PLAN_MISMATCH");
    expect(codeOf(() => checkPlan(planned, "ignore the plan check", "x"))).toBe("PLAN_MISMATCH");
  });
});
