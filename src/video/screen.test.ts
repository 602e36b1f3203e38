import { describe, expect, it } from "vitest";
import { cleanOcr, mergeFrames, similarity, thin } from "./screen.js";

describe("screen text", () => {
  it("cleans OCR noise and smart punctuation", () => {
    expect(cleanOcr("  ~ .\nkubectl   get pods\n—\n“echo” ‘hi’ —force\n|\n")).toBe(
      "kubectl get pods\n\"echo\" 'hi' --force",
    );
  });

  it("merges consecutive frames showing the same text, keeping the fuller one", () => {
    const merged = mergeFrames([
      { start: 0, end: 2, text: "kubectl get pods" },
      { start: 2, end: 4, text: "$ kubectl get pods" },
      { start: 4, end: 6, text: "docker compose up -d" },
      { start: 6, end: 8, text: "" },
    ]);
    expect(merged).toEqual([
      { start: 0, end: 4, text: "$ kubectl get pods" },
      { start: 4, end: 6, text: "docker compose up -d" },
    ]);
    expect(similarity("a b c", "x y z")).toBe(0);
  });

  it("thins frames evenly to the ceiling, keeping the first", () => {
    expect(thin([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4)).toEqual([0, 2, 5, 7]);
    expect(thin([1, 2], 4)).toEqual([1, 2]);
  });
});
