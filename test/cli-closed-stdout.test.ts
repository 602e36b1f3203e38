/**
 * `codeploy schema | head -1`: the reader of standard output goes away before
 * the command writes. The built CLI must end quietly with exit 0, not die of
 * an EPIPE stack trace. The pipe's read end is closed before the child
 * writes anything, so every write meets the closed pipe.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const home = mkdtempSync(join(tmpdir(), "cdp-epipe-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function runWithClosedStdout(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, "bin/codeploy.cjs"), ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, CODEPLOY_HOME: home, CODEPLOY_DEBUG: "" },
    });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("the built CLI with its standard output closed early", () => {
  for (const args of [["schema"], ["plan", "deploy nginx with 3 replicas to staging"], ["history", "shop"]]) {
    it(`codeploy ${args[0]} ends quietly with exit 0`, async () => {
      const { code, stderr } = await runWithClosedStdout(args);
      expect(stderr).not.toMatch(/EPIPE|at .*\.js:\d+/);
      expect(code).toBe(0);
    }, 30_000);
  }
});
