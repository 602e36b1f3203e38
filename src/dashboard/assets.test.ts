/** The first load's budget: every script a page loads, gzipped, stays under 150 KB. */
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { assetFiles, loadAssets } from "./assets.js";

const BUDGET_BYTES = 150 * 1024;

describe("dashboard assets", () => {
  it("ships the scripts of the first load under 150 KB gzipped", () => {
    const scripts = Object.values(assetFiles()).filter((a) => a.type.startsWith("text/javascript"));
    expect(scripts.length).toBe(2);
    const gzipped = scripts.reduce((sum, a) => sum + gzipSync(readFileSync(a.path), { level: 9 }).length, 0);
    expect(gzipped).toBeGreaterThan(10 * 1024); // htmx is among them
    expect(gzipped).toBeLessThan(BUDGET_BYTES);
  });

  it("loads every asset with a content ETag", () => {
    const assets = loadAssets();
    expect([...assets.keys()].sort()).toEqual(["dashboard.css", "dashboard.js", "htmx.min.js"]);
    for (const a of assets.values()) expect(a.etag).toMatch(/^"[\w-]{16}"$/);
  });
});
