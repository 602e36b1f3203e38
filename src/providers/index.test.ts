import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createProvider, PROVIDER_NAMES } from "./index.js";

describe("provider registry", () => {
  it("names every provider folder", () => {
    const dir = import.meta.dirname;
    const folders = readdirSync(dir).filter((f) => statSync(join(dir, f)).isDirectory());
    for (const folder of folders) expect(PROVIDER_NAMES).toContain(folder);
  });

  it("creates providers, and refuses one that lacks its settings with a hint", () => {
    expect(createProvider("null").name).toBe("null");
    expect(createProvider("docker").name).toBe("docker");
    expect(createProvider("kubernetes").name).toBe("kubernetes");
    expect(() => createProvider("terraform")).toThrow(/not available/);
  });
});
