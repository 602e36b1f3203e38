import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, keyFor, startHarness } from "./__fixtures__/harness.js";
import { hasProtoKey } from "./proto-guard.js";

let h: Harness;
let token: string;
beforeAll(async () => {
  h = await startHarness();
  token = await keyFor(h.store, "ops", "admin");
});
afterAll(() => h.close());

const planBody = (envJson: string) =>
  `{"spec":{"name":"p","services":[{"name":"web","image":"nginx:1.27","env":${envJson}}]}}`;
const post = (body: string) =>
  h.request("/v1/plan", { method: "POST", token, headers: { "content-type": "application/json" }, body });

describe("reserved keys in API bodies", () => {
  it.each([
    ['{"__proto__":"x"}', "plain"],
    ['{"\\u005f\\u005fproto\\u005f\\u005f":"x"}', "escaped"],
    ['{"OK":"1","__pr\\u006fto__":{"polluted":true}}', "partly escaped, with an object value"],
  ])("refuses %s (%s) with 400, where zod alone would drop it", async (env) => {
    const r = await post(planBody(env));
    expect(r.status).toBe(400);
    const body = (await r.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code: "VALIDATION" });
    expect(body.error.message).toContain("__proto__");
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it("refuses constructor and prototype as env keys with the field's path", async () => {
    for (const key of ["constructor", "prototype"]) {
      const r = await post(planBody(`{"${key}":"x"}`));
      expect(r.status).toBe(400);
      expect(await r.text()).toContain(`spec.services[0].env.${key}`);
    }
  });

  it("lets ordinary bodies through, escapes included", async () => {
    expect((await post(planBody('{"GREETING":"caf\\u00e9"}'))).status).toBe(200);
    expect(hasProtoKey('{"a":"__proto__ as a value"}')).toBe(false);
    expect(hasProtoKey("not json __proto__")).toBe(false);
  });
});
