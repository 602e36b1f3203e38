import { describe, expect, it } from "vitest";
import { interpretRules } from "../rules-interpreter.js";

describe('"it" in a later sentence is the one service named before', () => {
  it("takes the image and the said name names the app", () => {
    const r = interpretRules(
      "We are building a service called parcel-hub. It needs nginx:1.27 with postgres",
    );
    expect(r.spec.name).toBe("parcel-hub");
    expect(r.spec.services.map((s) => [s.name, s.image])).toEqual([["parcel-hub", "nginx:1.27"]]);
    expect(r.questions).toEqual([]);
  });

  it("stays a service of its own when two services came before", () => {
    const r = interpretRules("We run an api and a worker. It needs nginx:1.27");
    expect(r.spec.services.map((s) => s.name)).toContain("nginx");
  });

  it("a service's said name beats the app it runs only when it is the only service", () => {
    const r = interpretRules("deploy ghost as a service called blog and an api");
    expect(r.spec.name).not.toBe("blog");
  });
});
