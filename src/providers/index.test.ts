import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createProvider, PROVIDER_NAMES, registeredProviders } from "./index.js";

describe("provider registry", () => {
  it("has exactly one factory per provider folder, and the CLI's names are the registry's", () => {
    const dir = import.meta.dirname;
    const folders = readdirSync(dir).filter((f) => statSync(join(dir, f)).isDirectory());
    expect([...registeredProviders()].sort()).toEqual(folders.sort());
    expect([...PROVIDER_NAMES].sort()).toEqual([...registeredProviders()].sort());
  });

  it("refuses a name it does not know with the provider error, not a crash", () => {
    expect(() => createProvider("toString" as never)).toThrow(/not available/);
  });

  it("creates providers, and refuses one that lacks its settings with a hint", () => {
    expect(createProvider("null").name).toBe("null");
    expect(createProvider("docker").name).toBe("docker");
    expect(createProvider("kubernetes").name).toBe("kubernetes");
    expect(() => createProvider("terraform")).toThrow(/not available/);
  });
});
