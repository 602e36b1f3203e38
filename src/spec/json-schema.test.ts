import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { deploymentSpecJsonSchema } from "./json-schema.js";

const examples = resolve(import.meta.dirname, "../../test/fixtures/examples");

describe("the DeploymentSpec JSON Schema, read by a validator nobody here wrote", () => {
  // Strict mode: an unknown format or keyword is an error, not a silent pass.
  const validate = new Ajv2020({ strict: true, allErrors: true }).compile(deploymentSpecJsonSchema());

  it("compiles with a default Ajv2020 and no custom formats", () => {
    expect(typeof validate).toBe("function");
  });

  it("accepts every example spec", () => {
    for (const file of readdirSync(examples)) {
      const ok = validate(parse(readFileSync(join(examples, file), "utf8")));
      expect(ok, `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it("refuses what the contract refuses, such as a health path without a slash", () => {
    const spec = {
      name: "shop",
      services: [{ name: "web", image: "nginx:1.27", healthCheck: { path: "healthz" } }],
    };
    expect(validate(spec)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain("healthCheck");
  });
});
