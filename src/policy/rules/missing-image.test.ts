import { describe, expect, it } from "vitest";
import { reviewPlan } from "../../review/index.js";
import { validateSpec } from "../../spec/validate.js";

const imageless = (target: string) =>
  validateSpec({
    name: "shop",
    environment: "staging",
    target,
    cloud: "aws",
    services: [{ name: "web", port: 8080 }],
  });

describe("CODE-OPS-005: a service without an image", () => {
  it("is a plan error on docker and kubernetes, which run images and build none", () => {
    for (const target of ["docker", "kubernetes"]) {
      const review = reviewPlan(imageless(target));
      const finding = review.findings.find((f) => f.id === "CODE-OPS-005");
      expect(finding).toMatchObject({ severity: "error", path: "services[0].image" });
      expect(finding?.message).toContain(`the ${target} target has nothing to run`);
      expect(review.approved).toBe(false);
    }
  });

  it("stays a warning on terraform", () => {
    const finding = reviewPlan(imageless("terraform")).findings.find((f) => f.id === "CODE-OPS-005");
    expect(finding?.severity).toBe("warning");
  });
});
