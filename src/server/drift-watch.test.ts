/**
 * serve's drift watch on the server harness (real SQLite store, null
 * provider): off without intervalMinutes, one round at a time, apps whose
 * provider cannot tell drift get no gauge series and no audit record, and
 * self-heal re-applies the last applied revision, never a newer failed one
 * (a null provider given a drift report, named a fake, stands for the engine). The
 * podman test (test/drift-docker.test.ts) covers drift found and self-heal.
 */
import { afterEach, describe, expect, it } from "vitest";
import { configSchema } from "../core/config.js";
import { deploy } from "../engine/deploy.js";
import type { Provider } from "../engine/provider.js";
import { createNullProvider } from "../providers/null/index.js";
import { hashArtifacts, render } from "../render/index.js";
import { validateSpec } from "../spec/validate.js";
import { type Harness, httpServiceOf, keyFor, startHarness } from "./__fixtures__/harness.js";

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

describe("self-heal", () => {
  it("re-applies the last applied revision, not a newer one that failed, audited with the reason", async () => {
    const base = createNullProvider();
    // A fake drift report on the null provider: what is under test is which revision heals it.
    const fake: Provider = {
      name: base.name,
      apply: base.apply,
      destroy: base.destroy,
      observe: base.observe,
      detectDrift: async () => [
        { kind: "container", name: "web-0", service: "web", change: "changed", path: "/image" },
      ],
    };
    h = await startHarness({
      providers: () => fake,
      drift: configSchema.parse({ drift: { intervalMinutes: 60, selfHeal: true } }).drift,
    });
    const spec = (image: string) =>
      validateSpec({ name: "shop", environment: "staging", services: [{ name: "web", image, port: 80 }] });
    const engine = (provider: Provider) => ({
      store: h?.store ?? ({} as never),
      providerFor: () => provider,
      render: (s: ReturnType<typeof spec>) => render(s, { secretSeed: "test" }),
      hashArtifacts,
    });
    expect((await deploy({ spec: spec("acme/web:1"), actor: "ana" }, engine(fake))).deployment.outcome).toBe(
      "succeeded",
    );
    const failing = createNullProvider({ failSteps: ["service:web"], retryable: false });
    const second = await deploy(
      { spec: spec("acme/web:2"), actor: "ana", onFailure: "stop" },
      engine(failing),
    );
    expect(second.deployment.outcome).toBe("failed");
    const [status] = await h.store.status({ app: "shop", environment: "staging" });
    expect([status?.currentRevision, status?.latestRevision]).toEqual([1, 2]);

    const [check] = (await h.api.driftWatch?.checkAll()) ?? [];
    expect(check?.healed?.outcome).toBe("succeeded");
    const healed = await h.store.getDeployment(check?.healed?.deployment ?? "");
    expect(healed).toMatchObject({ action: "rollback", revision: 1, actor: "codeploy-drift" });
    const audit = await h.store.listAudit({ limit: 100, newestFirst: true });
    expect(audit.find((r) => r.command === "drift-heal" && r.outcome === "ok")?.details).toMatchObject({
      reason: "self-heal: 1 resource(s) drifted from revision 1",
      revision: 1,
    });
    expect(await (await h.request("/metrics")).text()).toContain(
      'codeploy_drift_resources{app="shop",env="staging"} 1',
    );
    // Each check that found drift is an event (the fake still reports drift after the heal: two),
    // the heal's outcome set on the first; listed newest first by the API, in pages.
    const events = await h.store.driftEvents.list({ app: "shop", environment: "staging" });
    expect(events.events.map((e) => [e.seq, e.checker, e.healed])).toEqual([
      [2, "codeploy-drift", false],
      [1, "codeploy-drift", true],
    ]);
    expect(events.events[1]?.heal).toMatchObject({
      deployment: check?.healed?.deployment,
      outcome: "succeeded",
    });
    expect(events.events[1]?.summary).toEqual({
      count: 1,
      ignored: 0,
      items: [{ kind: "container", name: "web-0", service: "web", change: "changed", path: "/image" }],
    });
    // A viewer of staging may read them (read permission, as `drift`).
    const token = await keyFor(h.store, "watcher", "viewer", ["staging"]);
    const page = await h.request("/v1/apps/shop/environments/staging/drift/events?limit=1", { token });
    expect(page.status).toBe(200);
    const body = (await page.json()) as { events: { seq: number }[]; next?: number };
    expect([body.events.map((e) => e.seq), body.next]).toEqual([[2], 2]);
    const older = await h.request("/v1/apps/shop/environments/staging/drift/events?limit=1&before=2", {
      token,
    });
    expect(((await older.json()) as { events: { seq: number }[] }).events.map((e) => e.seq)).toEqual([1]);
    expect(
      (await h.request("/v1/apps/shop/environments/staging/drift/events?limit=5000", { token })).status,
    ).toBe(400);
    // The same pages through the remote service (`codeploy drift --history --server URL`).
    if (!h) throw new Error("no harness");
    const remote = httpServiceOf(h.api.app, token);
    const viaHttp = await remote.driftEvents({ app: "shop", environment: "staging", limit: 1, before: 2 });
    expect(viaHttp.events.map((e) => [e.seq, e.healed])).toEqual([[1, true]]);
    // Not a viewer of production: refused.
    expect((await h.request("/v1/apps/shop/environments/production/drift/events", { token })).status).toBe(
      403,
    );
  });
});
