import { describe, expect, it } from "vitest";
import { nativeAddonProblem } from "./backend.js";

describe("a SQLite addon built for another Node", () => {
  it("is recognised from the loader's own messages", () => {
    const abi =
      "The module '/x/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 137.";
    expect(nativeAddonProblem(new Error(abi))).toMatch(/built for another Node\.js version/);
    expect(nativeAddonProblem(new Error("Could not locate the bindings file. Tried: ..."))).toMatch(
      /no native build/,
    );
  });

  it("leaves every other failure alone", () => {
    expect(nativeAddonProblem(new Error("SQLITE_CANTOPEN: unable to open database file"))).toBeUndefined();
  });
});
