import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareApk, compareDebian, compareRpm } from "./versions.js";

const dpkg = spawnSync("dpkg", ["--version"]).status === 0;
const rpm = spawnSync("rpm", ["--version"]).status === 0;

/** What the real rpm says for each pair (rpm.vercmp in its Lua), in one run. */
function rpmOrders(pairs: readonly (readonly [string, string])[]): number[] {
  const lua = pairs
    .map(([a, b]) => `print(rpm.vercmp(${JSON.stringify(a)}, ${JSON.stringify(b)}) .. " ")`)
    .join(" ");
  const out = spawnSync("rpm", ["--eval", `%{lua: ${lua}}`], { encoding: "utf8" }).stdout;
  return out.trim().split(/\s+/).map(Number);
}

/** What the real dpkg says: -1, 0 or 1. */
function dpkgOrder(a: string, b: string): number {
  if (spawnSync("dpkg", ["--compare-versions", a, "eq", b]).status === 0) return 0;
  return spawnSync("dpkg", ["--compare-versions", a, "lt", b]).status === 0 ? -1 : 1;
}

describe("compareDebian", () => {
  it.each([
    ["1.0", "1.0", 0],
    ["1.0~rc1", "1.0", -1],
    ["1.0", "1.0+deb12u1", -1],
    ["1:0.9", "2.0", 1],
    ["3.0.11-1~deb12u1", "3.0.11-1~deb12u2", -1],
    ["3.0.11-1~deb12u2", "3.0.11-1", -1],
    ["1.2.3-1", "1.2.3-10", -1],
    ["1.01", "1.1", 0],
    ["1.0", "1.0-0", 0],
    ["1.0a", "1.0", 1],
    ["2.36.1-8+deb11u1", "2.36.1-8", 1],
  ])("%s against %s is %i", (a, b, expected) => {
    expect(Math.sign(compareDebian(a, b))).toBe(expected);
    expect(Math.sign(compareDebian(b, a))).toBe(-expected || 0);
  });

  it.skipIf(!dpkg && !process.env.CI)(
    "agrees with the real dpkg --compare-versions on generated versions",
    () => {
      const part = fc.stringMatching(/^[0-9]{1,3}([.~+][0-9a-z]{1,3}){0,3}$/);
      const version = fc
        .tuple(fc.option(fc.integer({ min: 0, max: 2 })), part, fc.option(part))
        .map(
          ([epoch, upstream, revision]) =>
            `${epoch === null ? "" : `${epoch}:`}${upstream}${revision === null ? "" : `-${revision}`}`,
        );
      fc.assert(
        fc.property(version, version, (a, b) => Math.sign(compareDebian(a, b)) === dpkgOrder(a, b)),
        { numRuns: 150, seed: 20 },
      );
    },
  );
});

describe("compareApk", () => {
  // Pairs from apk-tools' own test data (test/version.data) and Alpine's release habits.
  it.each([
    ["1.0", "1.0", 0],
    ["1.0-r1", "1.0", 1],
    ["1.0-r1", "1.0-r2", -1],
    ["1.0_rc1", "1.0", -1],
    ["1.0_alpha", "1.0_beta", -1],
    ["1.0_p1", "1.0", 1],
    ["1.0a", "1.0", 1],
    ["1.0a", "1.0b", -1],
    ["1.01", "1.1", -1],
    ["1.2.10", "1.2.9", 1],
    ["3.1.4-r5", "3.1.4-r10", -1],
    ["2.34", "0.1.0_alpha", 1],
    ["1.36.1-r5", "1.36.1-r15", -1],
    ["0.1.0_alpha", "0.1.0", -1],
    ["1.0_pre1", "1.0_rc1", -1],
    ["1.0_p1", "1.0_p2-r1", -1],
    ["1.0_git20240101", "1.0_p1", -1],
    ["1.0_rc1-r3", "1.0-r0", -1],
    ["2.0", "1.9.9.9", 1],
  ])("%s against %s is %i", (a, b, expected) => {
    expect(Math.sign(compareApk(a, b))).toBe(expected);
    expect(Math.sign(compareApk(b, a))).toBe(-expected || 0);
  });
});

describe("compareRpm", () => {
  it.each([
    ["1.0", "1.0", 0],
    ["1.0", "1.0a", -1],
    ["1.0~rc1", "1.0", -1],
    ["1.0^git1", "1.0", 1],
    ["1:0.9-1", "2.0-1", 1],
    ["3.0.7-24.el9", "3.0.7-25.el9_3", -1],
    ["3.0.7", "3.0.7-25.el9", 0],
    ["1.10", "1.9", 1],
    ["2.0.a", "2.0.1", -1],
  ])("%s against %s is %i", (a, b, expected) => {
    expect(Math.sign(compareRpm(a, b))).toBe(expected);
    expect(Math.sign(compareRpm(b, a))).toBe(-expected || 0);
  });

  it.skipIf(!rpm && !process.env.CI)("agrees with the real rpm's vercmp on generated versions", () => {
    const version = fc.stringMatching(/^[0-9a-z]{1,3}([.~^_+][0-9a-z]{1,3}){0,3}$/);
    const pairs = fc.sample(fc.tuple(version, version), { numRuns: 300, seed: 20 });
    const real = rpmOrders(pairs);
    expect(real).toHaveLength(pairs.length);
    const ours = pairs.map(([a, b]) => Math.sign(compareRpm(a, b)));
    const differ = pairs.flatMap(([a, b], i) =>
      ours[i] === real[i] ? [] : [`${a} ${b}: ${ours[i]} ${real[i]}`],
    );
    expect(differ).toEqual([]);
  });
});
