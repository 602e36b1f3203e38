/**
 * serve's drift watch on the server harness (real SQLite store, null
 * provider): off without intervalMinutes, one round at a time, and apps whose
 * provider cannot tell drift get no gauge series and no audit record. The
 * podman test (test/drift-docker.test.ts) covers drift found and self-heal.
 */
import { afterEach, describe, expect, it } from "vitest";
import { configSchema } from "../core/config.js";
import { type Harness, startHarness } from "./__fixtures__/harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("the drift watch of codeploy serve", () => {
  it("is off unless drift.intervalMinutes is set", async () => {
    h = await startHarness({ drift: configSchema.parse({}).drift });
    expect(h.api.driftWatch).toBeUndefined();
  });

  it("joins a running round instead of starting a second, and skips providers that cannot tell drift", async () => {
    h = await startHarness({ drift: configSchema.parse({ drift: { intervalMinutes: 0.05 } }).drift });
    await h.seed("shop", "staging");
    await h.seed("blog", "dev");
    const watch = h.api.driftWatch;
    const first = watch?.checkAll();
    expect(watch?.checkAll()).toBe(first);
    const checks = (await first) ?? [];
    expect(checks.map((c) => `${c.app}/${c.environment}`).sort()).toEqual(["blog/dev", "shop/staging"]);
    expect(checks.every((c) => c.answer === undefined && c.error === undefined)).toBe(true);
    expect(await (await h.request("/metrics")).text()).not.toContain("codeploy_drift_resources{");
    const audit = await h.store.listAudit({ limit: 100 });
    expect(audit.filter((r) => r.command.startsWith("drift"))).toEqual([]);
    await watch?.stop();
    expect(await watch?.checkAll()).toEqual([]);
  });
});
