import { describe, expect, it } from "vitest";
import { interpretRules } from "../rules-interpreter.js";

const exposure = (text: string) =>
  Object.fromEntries(interpretRules(text).spec.services.map((s) => [s.name, s.public]));

const THREE = "deploy the atlas app with a frontend, an api and a backend";

describe("exposure by contrast", () => {
  it.each([
    `${THREE}; nothing is public except the frontend`,
    `${THREE}, nothing public except for the frontend`,
    `${THREE}. Nothing but the frontend should be public`,
    `${THREE}; only the frontend is public`,
    `${THREE}; just the frontend should be reachable from the internet`,
    `${THREE}; keep everything private apart from the frontend`,
    `${THREE}; all services are internal other than the frontend`,
    `${THREE}; only the frontend should be reachable from outside`,
    `${THREE}; expose only the frontend`,
    `${THREE}; the frontend is the only public service`,
    `${THREE}; nothing except the frontend is exposed`,
    `${THREE}; no service other than the frontend is public`,
    `${THREE}; nothing is public except for the frontend`,
  ])("%s", (text) => {
    expect(exposure(text)).toEqual({ frontend: true, api: false, backend: false });
  });

  it("names several exceptions and the opposite quantifier", () => {
    expect(exposure(`${THREE}; only the frontend and the api are public`)).toEqual({
      frontend: true,
      api: true,
      backend: false,
    });
    expect(exposure(`${THREE}; all services are public except the backend`)).toEqual({
      frontend: true,
      api: true,
      backend: false,
    });
  });

  it("an exception to a quantifier is no negation: nothing is dropped", () => {
    const r = interpretRules(`${THREE}; no service other than the backend is public`);
    expect(r.spec.services.map((s) => s.name)).toEqual(["frontend", "api", "backend"]);
    expect(r.assumptions.filter((a) => a.startsWith("not deploying"))).toEqual([]);
  });

  it("says what it did", () => {
    const r = interpretRules(`${THREE}; nothing is public except the frontend`);
    expect(r.assumptions).toContain("frontend public, every other service private (api, backend)");
  });

  it("leaves a plain exposure phrase to its one service", () => {
    expect(exposure(`${THREE}; make the backend private`)).toEqual({
      frontend: true,
      api: true,
      backend: false,
    });
  });
});
