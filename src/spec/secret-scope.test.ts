import { describe, expect, it } from "vitest";
import {
  checkSecretAccess,
  type SecretAccess,
  SecretForbiddenError,
  scopedSecretValues,
  secretScopeReport,
} from "./secret-scope.js";
import { validateSpec } from "./validate.js";

const spec = (environment: string, name = "shop", refs = ["stripe-key"]) =>
  validateSpec({
    name,
    environment,
    services: [
      {
        name: "web",
        image: "nginx:1.27",
        env: Object.fromEntries(refs.map((r, i) => [`K${i}`, `secret:${r}`])),
      },
    ],
  });
const env = { CODEPLOY_SECRET_STRIPE_KEY: "v1", CODEPLOY_SECRET_CONSTRUCTOR: "v2" };
const scope = { "stripe-key": { environments: ["production"], apps: ["shop"] } };
const access = (
  undeclared: "refuse" | "warn",
  onUndeclared?: (n: readonly string[]) => void,
): SecretAccess => ({
  env,
  scope,
  undeclared,
  ...(onUndeclared ? { onUndeclared } : {}),
});

describe("secret scope", () => {
  it("allows a name only in its environments and apps", () => {
    expect(secretScopeReport(spec("production"), scope)).toEqual({ undeclared: [], outOfScope: [] });
    expect(secretScopeReport(spec("staging"), scope).outOfScope).toEqual(["stripe-key"]);
    expect(secretScopeReport(spec("production", "blog"), scope).outOfScope).toEqual(["stripe-key"]);
    expect(checkSecretAccess(spec("production"), access("refuse"))).toEqual({ "stripe-key": "v1" });
    expect(() => checkSecretAccess(spec("staging"), access("warn"))).toThrow(SecretForbiddenError);
  });

  it("never finds a grant on the object prototype", () => {
    const s = spec("production", "shop", ["constructor"]);
    expect(secretScopeReport(s, scope).undeclared).toEqual(["constructor"]);
    expect(() => checkSecretAccess(s, access("refuse"))).toThrow(/not declared: constructor/);
    expect(scopedSecretValues(s, access("refuse"))).toEqual({});
  });

  it("warns about undeclared names in warn mode and still resolves them", () => {
    const told: string[][] = [];
    const s = spec("production", "shop", ["constructor"]);
    expect(
      checkSecretAccess(
        s,
        access("warn", (n) => told.push([...n])),
      ),
    ).toEqual({ constructor: "v2" });
    expect(told).toEqual([["constructor"]]);
  });

  it("gives the renderer only the values in scope", () => {
    expect(scopedSecretValues(spec("staging"), access("warn"))).toEqual({});
    expect(scopedSecretValues(spec("production"), access("refuse"))).toEqual({ "stripe-key": "v1" });
  });
});
