import { describe, expect, it } from "vitest";
import { composeCpus, composeMemory } from "./units.js";

describe("composeCpus", () => {
  it("turns millicores into cores and keeps cores", () => {
    expect(composeCpus("500m")).toBe("0.5");
    expect(composeCpus("250m")).toBe("0.25");
    expect(composeCpus("2")).toBe("2");
    expect(composeCpus("0.5")).toBe("0.5");
  });
});

describe("composeMemory", () => {
  it("keeps binary sizes in Docker's binary units", () => {
    expect(composeMemory("512Mi")).toBe("512m");
    expect(composeMemory("4Gi")).toBe("4g");
    expect(composeMemory("1.5Gi")).toBe("1536m");
    expect(composeMemory("64Ki")).toBe("64k");
  });

  it("converts decimal sizes exactly, falling back to bytes", () => {
    expect(composeMemory("1G")).toBe("1000000000b");
    expect(composeMemory("2048M")).toBe("2000000k");
    expect(composeMemory("1.5G")).toBe("1500000000b");
    expect(composeMemory("1024")).toBe("1k");
  });
});
