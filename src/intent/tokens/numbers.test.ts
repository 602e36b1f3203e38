import { describe, expect, it } from "vitest";
import { readNumber } from "./numbers.js";
import { tokenize } from "./tokenizer.js";

const value = (text: string) => readNumber(tokenize(text), 0)?.value;

describe("readNumber", () => {
  it.each([
    ["3", 3],
    ["one", 1],
    ["ten", 10],
    ["twenty five", 25],
    ["twenty-five", 25],
    ["a dozen", 12],
    ["half a dozen", 6],
    ["a couple of", 2],
    ["a pair of", 2],
    ["a single", 1],
    ["one hundred", 100],
    ["zero", 0],
  ])("%s -> %d", (text, n) => {
    expect(value(text)).toBe(n);
  });

  it("reads nothing from words that are not numbers", () => {
    expect(value("a")).toBeUndefined();
    expect(value("some")).toBeUndefined();
    expect(value("api")).toBeUndefined();
  });

  it("tells digits from words and where the number ends", () => {
    expect(readNumber(tokenize("a couple of workers"), 0)).toEqual({
      value: 2,
      start: 0,
      end: 3,
      digits: false,
    });
    expect(readNumber(tokenize("12 pods"), 0)).toEqual({ value: 12, start: 0, end: 1, digits: true });
  });
});
