import { describe, expect, it } from "vitest";
import { ZERO_USAGE } from "../llm/index.js";
import { consensusOf, contentWords, deterministicSummary, similarity } from "./consensus.js";
import { bordaCount, seededShuffle } from "./review.js";
import type { ExpertAnswer } from "./types.js";

const answer = (expert: string, points: string[], status: ExpertAnswer["status"] = "ok"): ExpertAnswer => ({
  expert,
  model: "m",
  status,
  text: points.join(" "),
  points,
  error: undefined,
  latencyMs: 1,
  usage: ZERO_USAGE,
  costUsd: 0,
  estimateUsd: 0,
  cached: false,
});

describe("consensus", () => {
  it("treats plural and stop words as noise when comparing points", () => {
    expect(similarity(contentWords("Use two replicas"), contentWords("use 2 replica"))).toBeGreaterThan(0.5);
    expect(similarity(contentWords("Add a cache"), contentWords("Rotate the secrets"))).toBe(0);
  });

  it("counts an expert once per group and keeps minority points as dissent", () => {
    const c = consensusOf(
      [
        answer("a", ["Run three replicas of the api", "Run 3 replicas of api behind a balancer"]),
        answer("b", ["Three replicas for the api"]),
        answer("c", ["Move to Kubernetes"]),
      ],
      3,
    );
    const replicas = c.points.find((p) => /replicas/.test(p.text));
    expect(replicas?.support).toEqual(["a", "b"]);
    expect(replicas?.share).toBe(0.67);
    expect(c.dissent.map((p) => p.support)).toContainEqual(["c"]);
  });

  it("gives more confidence to agreement than to disagreement, and less when experts are missing", () => {
    const agree = consensusOf([answer("a", ["use postgres"]), answer("b", ["use postgres"])], 2);
    const split = consensusOf(
      [answer("a", ["use postgres"]), answer("b", ["use mongodb document store"])],
      2,
    );
    const missing = consensusOf(
      [answer("a", ["use postgres"]), answer("b", ["use postgres"]), answer("c", [], "timeout")],
      3,
    );
    expect(agree.confidence).toBe(1);
    expect(split.confidence).toBe(0.5);
    expect(missing.confidence).toBeCloseTo(0.67, 2);
    expect(consensusOf([answer("a", ["x"], "failed")], 1).confidence).toBe(0);
  });

  it("writes a deterministic summary from the grouped points", () => {
    const answers = [
      answer("a", ["use postgres"]),
      answer("b", ["use postgres", "add redis"]),
      answer("c", [], "failed"),
    ];
    const text = deterministicSummary(answers, consensusOf(answers, 3));
    expect(text).toBe(
      "2 of 3 experts answered. Agreed: use postgres (2/2). Raised by a minority: add redis (b).",
    );
  });
});

describe("peer review helpers", () => {
  it("shuffles labels differently per reviewer, and the same way twice", () => {
    const items = ["a", "b", "c", "d", "e", "f"];
    expect(seededShuffle(items, "q\u0000x")).toEqual(seededShuffle(items, "q\u0000x"));
    const orders = new Set(["x", "y", "z", "w"].map((r) => seededShuffle(items, `q\u0000${r}`).join("")));
    expect(orders.size).toBeGreaterThan(1);
    expect([...seededShuffle(items, "s")].sort()).toEqual(items);
  });

  it("adds Borda points: n-1 for first place down to 0", () => {
    expect(bordaCount([{ order: ["b", "c"] }, { order: ["a", "c"] }, { order: ["a", "b"] }])).toEqual([
      { expert: "a", points: 2 },
      { expert: "b", points: 1 },
      { expert: "c", points: 0 },
    ]);
  });
});
