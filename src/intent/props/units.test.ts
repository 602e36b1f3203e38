import { describe, expect, it } from "vitest";
import { tokenize } from "../tokens/tokenizer.js";
import { memoryOf, readCpu, readCpuAfterNoun, storageGbOf } from "./units.js";

const size = (text: string) => tokenize(text)[0] ?? { kind: "word", text, w: text };
const cpu = (text: string) => readCpu(tokenize(text), 0)?.cpu;

describe("sizes", () => {
  it.each([
    ["4GB", "4Gi", 4],
    ["512MB", "512Mi", 1],
    ["1GB", "1Gi", 1],
    ["1.5 GiB", "1.5Gi", 2],
    ["2TB", "2Ti", 2048],
    ["256 megs", "256Mi", 1],
  ])("%s -> memory %s, storage %d GB", (text, memory, gb) => {
    expect(memoryOf(size(text))).toBe(memory);
    expect(storageGbOf(size(text))).toBe(gb);
  });
});

describe("cpu", () => {
  it.each([
    ["2 CPUs", "2"],
    ["2 vCPUs", "2"],
    ["two cores", "2"],
    ["half a CPU", "500m"],
    ["half of a core", "500m"],
    ["a quarter of a cpu", "250m"],
    ["250 millicores", "250m"],
    ["250m cpu", "250m"],
    ["0.5 cpu", "500m"],
    ["1.5 vcpus", "1500m"],
    ["a cpu", "1"],
    ["a single core", "1"],
  ])("%s -> %s", (text, want) => {
    expect(cpu(text)).toBe(want);
  });

  it("needs a CPU noun, and reads `cpu: 2` forms", () => {
    expect(cpu("2 replicas")).toBeUndefined();
    expect(cpu("15m")).toBeUndefined();
    expect(readCpuAfterNoun(tokenize("cpu: 500m"), 0)?.cpu).toBe("500m");
    expect(readCpuAfterNoun(tokenize("cpu limit 2"), 0)?.cpu).toBe("2");
  });
});
