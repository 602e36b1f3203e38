import { describe, expect, it } from "vitest";
import { wordErrorRate } from "./wer.js";

describe("wordErrorRate", () => {
  it("counts substitutions, deletions and insertions over the reference length", () => {
    expect(wordErrorRate("list the pods", "List the pods.")).toBe(0);
    expect(wordErrorRate("list the pods", "list a pods")).toBeCloseTo(1 / 3);
    expect(wordErrorRate("list the pods now", "list pods")).toBe(0.5);
    expect(wordErrorRate("get pods", "get the pods please")).toBe(1);
  });
});
