import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { configSchema } from "../core/config.js";
import { configProblem, selectMembers } from "./members.js";

const ISSUE_EXAMPLE = `
experts:
  members:
    - { name: claude, provider: anthropic, model: claude-sonnet-4-5, apiKeyEnv: ANTHROPIC_API_KEY }
    - { name: local, provider: ollama, model: llama3.1, baseUrl: http://127.0.0.1:11434 }
    - { name: alpha, provider: openai-compatible, model: m1, baseUrl: http://127.0.0.1:9001/v1, price: { inputPerMTok: 1.0, outputPerMTok: 2.0 } }
  chair: [claude, alpha]
  deadlineSeconds: 30
  budgetUsd: 0.50
`;

describe("experts configuration", () => {
  const experts = configSchema.parse(parse(ISSUE_EXAMPLE)).experts;

  it("accepts the documented example with its defaults", () => {
    expect(experts.members.map((m) => m.name)).toEqual(["claude", "local", "alpha"]);
    expect(experts.chair).toEqual(["claude", "alpha"]);
    expect(experts.budgetUsd).toBe(0.5);
    expect(experts.maxOutputTokens).toBe(800);
  });

  it("rejects an unknown provider and stray fields", () => {
    expect(
      configSchema.safeParse({ experts: { members: [{ name: "x", provider: "cohere", model: "m" }] } })
        .success,
    ).toBe(false);
    expect(
      configSchema.safeParse({
        experts: { members: [{ name: "x", provider: "ollama", model: "m", apiKey: "sk-inline" }] },
      }).success,
    ).toBe(false);
  });

  it("skips members without a key unless they are named, and prices them from table or override", () => {
    expect(configProblem(experts.members[0] ?? { name: "none", provider: "ollama", model: "m" }, {})).toBe(
      "missing key: set ANTHROPIC_API_KEY",
    );
    const chosen = selectMembers(experts, {}, undefined);
    expect(chosen.map((m) => m.name)).toEqual(["local", "alpha"]);
    expect(chosen[1]?.price?.inputPerToken).toBeCloseTo(1e-6, 12);
    expect(chosen[0]?.price?.inputPerToken).toBe(0);
    expect(() => selectMembers(experts, {}, ["claude"])).toThrow(
      "expert claude cannot be asked: missing key: set ANTHROPIC_API_KEY",
    );
    const withKey = selectMembers(experts, { ANTHROPIC_API_KEY: "sk-ant-x" }, ["claude"]);
    expect(withKey[0]?.price?.date).toMatch(/^\d{4}-/);
    expect(JSON.stringify(withKey[0]?.client.ref)).not.toContain("sk-ant-x");
  });
});
