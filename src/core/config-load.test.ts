import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "./config-load.js";
import { ConfigError } from "./errors.js";

const dir = mkdtempSync(join(tmpdir(), "cdp-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function load(text: string) {
  writeFileSync(join(dir, "codeploy.yaml"), text);
  return loadConfig({ cwd: dir, env: { CODEPLOY_HOME: join(dir, "home") } });
}

describe("loadConfig", () => {
  it("reads a file and keeps the defaults for the rest", async () => {
    const config = await load("server:\n  maxConcurrentDeployments: 2\n");
    expect(config.server.maxConcurrentDeployments).toBe(2);
  });

  it("names the path of a wrong field", async () => {
    await expect(load("server:\n  port: 8181\n")).rejects.toThrow(/server: Unrecognized key: "port"/);
  });

  it("says how to write the null provider when YAML read its bare key as empty", async () => {
    const error = await load("providers:\n  null:\n    delayMs: 10\n").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).toContain('write "null": in quotes');
    await expect(load('providers:\n  "null": {}\n')).resolves.toBeDefined();
  });

  it("reports broken YAML without echoing the file", async () => {
    await expect(load("server:\n  maxConcurrentDeployments: [\n")).rejects.toThrow(/invalid YAML/);
  });
});
