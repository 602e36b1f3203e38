import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CliIo } from "./io.js";
import { secretSeed } from "./secret-seed.js";

const homes: string[] = [];
afterEach(async () => {
  for (const h of homes.splice(0)) await rm(h, { recursive: true, force: true });
});

async function io(env: Record<string, string> = {}): Promise<CliIo> {
  const home = await mkdtemp(join(tmpdir(), "codeploy-seed-"));
  homes.push(home);
  return {
    stdout: () => undefined,
    stderr: () => undefined,
    isTty: false,
    cwd: home,
    env: { CODEPLOY_HOME: home, ...env },
  };
}

describe("the installation's secret seed", () => {
  it("is made once per home and kept there", async () => {
    const one = await io();
    const seed = await secretSeed(one);
    expect(seed.length).toBeGreaterThanOrEqual(32);
    expect(await secretSeed(one)).toBe(seed);
    expect((await readFile(join(one.env.CODEPLOY_HOME ?? "", "secret-seed"), "utf8")).trim()).toBe(seed);
    // Another home (another pod or container) would make another one...
    expect(await secretSeed(await io())).not.toBe(seed);
  });

  it("comes from CODEPLOY_SECRET_SEED when set, so servers and workers with their own homes derive the same passwords", async () => {
    const shared = "s".repeat(40);
    const [a, b] = await Promise.all([
      io({ CODEPLOY_SECRET_SEED: shared }),
      io({ CODEPLOY_SECRET_SEED: shared }),
    ]);
    expect(await secretSeed(a)).toBe(shared);
    expect(await secretSeed(b)).toBe(shared);
  });

  it("refuses a short CODEPLOY_SECRET_SEED with a hint", async () => {
    await expect(secretSeed(await io({ CODEPLOY_SECRET_SEED: "short" }))).rejects.toMatchObject({
      code: "CONFIG",
      message: expect.stringContaining("CODEPLOY_SECRET_SEED is too short"),
      hint: expect.stringContaining("openssl rand"),
    });
  });
});
