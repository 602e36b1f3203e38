import { describe, expect, it } from "vitest";
import { CostInputError } from "./errors.js";
import { formatUsd, roundPrice, toCents } from "./money.js";
import { parseCpu, parseMemoryGib, toMib, toMillicores } from "./quantity.js";

describe("parseCpu", () => {
  it.each([
    ["500m", 0.5],
    ["250m", 0.25],
    ["1500m", 1.5],
    ["2", 2],
    ["0.5", 0.5],
  ])("%s is %d cores", (text, cores) => {
    expect(parseCpu(text)).toBe(cores);
  });

  it.each(["", "two", "2 cores", "-1", "500M"])("refuses %j with a hint", (text) => {
    expect(() => parseCpu(text)).toThrow(CostInputError);
    try {
      parseCpu(text);
    } catch (error) {
      expect(error).toMatchObject({ code: "COST_INPUT", hint: expect.stringContaining("500m") });
    }
  });
});

describe("parseMemoryGib", () => {
  it.each([
    ["512Mi", 0.5],
    ["4Gi", 4],
    ["1Ti", 1024],
    ["1048576Ki", 1],
    ["1073741824", 1],
    ["1G", 1e9 / 1024 ** 3],
    ["1.5Gi", 1.5],
  ])("%s is %d GiB", (text, gib) => {
    expect(parseMemoryGib(text)).toBeCloseTo(gib, 10);
  });

  it.each(["", "4GB", "lots", "4 Gi"])("refuses %j", (text) => {
    expect(() => parseMemoryGib(text)).toThrow(/cannot read memory/);
  });
});

describe("integer units", () => {
  it("rounds cores to millicores and GiB to MiB without float drift", () => {
    expect(toMillicores(0.1 + 0.2)).toBe(300);
    expect(toMillicores(parseCpu("500m"))).toBe(500);
    expect(toMib(parseMemoryGib("512Mi"))).toBe(512);
    expect(toMib(parseMemoryGib("1G"))).toBe(954);
  });
});

describe("money", () => {
  it("rounds to cents the way people do", () => {
    expect(toCents(1.005)).toBe(101);
    expect(toCents(0.1 + 0.2)).toBe(30);
    expect(toCents(29.5504)).toBe(2955);
    expect(roundPrice(0.0000252 * 3600)).toBe(0.09072);
    expect(formatUsd(1234.5)).toBe("$1,234.50");
  });
});
