import { describe, expect, it } from "vitest";
import { interpretRules } from "../rules-interpreter.js";

describe('"a X server" beside other components is a part of its own', () => {
  it("is added and asked for its image instead of folding into the api", () => {
    const r = interpretRules("Deploy the maps app with an api and a tile server");
    expect(r.spec.name).toBe("maps");
    expect(r.spec.services.map((s) => s.name)).toEqual(["api", "tile"]);
    expect(r.questions.some((q) => q.includes("tile"))).toBe(true);
  });

  it("does not name the app", () => {
    const r = interpretRules("deploy an api with postgres and a slack bot");
    expect(r.spec.services.map((s) => s.name)).toEqual(["api", "slack"]);
    expect(r.spec.name).toBe("app");
    expect(r.questions.some((q) => q.startsWith("what is the app called?"))).toBe(true);
  });

  it("alone, it is the app", () => {
    const r = interpretRules("deploy a minecraft server");
    expect(r.spec.name).toBe("minecraft");
    expect(r.spec.services).toHaveLength(1);
  });
});
