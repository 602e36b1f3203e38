/** /openapi.json as Redocly's linter (recommended rules) reads it, and the answers it documents. */
import { BaseResolver, createConfig, lintDocument, makeDocumentFromString } from "@redocly/openapi-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./__fixtures__/harness.js";
import { operationIdOf } from "./openapi-finish.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe("the OpenAPI document under @redocly/openapi-core's recommended rules", () => {
  it("has no errors and no warnings", async () => {
    const text = await (await h.request("/openapi.json")).text();
    const config = await createConfig({ extends: ["recommended"] });
    const problems = await lintDocument({
      document: makeDocumentFromString(text, "/openapi.json"),
      config,
      externalRefResolver: new BaseResolver(),
    });
    const said = problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(said).toEqual([]);
  });

  it("gives every operation a unique operationId", async () => {
    const doc = (await (await h.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(ids.every((id) => typeof id === "string" && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(operationIdOf("get", "/v1/apps/{app}/environments/{env}/lock")).toBe(
      "getV1AppsByAppEnvironmentsByEnvLock",
    );
  });

  it("answers 405 with Allow for a path it serves under another method, 404 for an unknown path", async () => {
    const wrong = await h.request("/healthz", { method: "DELETE" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET");
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe("METHOD_NOT_ALLOWED");
    expect((await h.request("/nowhere")).status).toBe(404);
  });
});
