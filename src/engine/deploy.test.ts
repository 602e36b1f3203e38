import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createNullProvider, type NullProviderOptions } from "../providers/null/index.js";
import type { RenderResult } from "../render/types.js";
import { validateSpec } from "../spec/validate.js";
import { openStateStore } from "../state/index.js";
import type { StateStore } from "../state/types.js";
import { type DeployDeps, deploy, destroyEnvironment, rollbackTo } from "./deploy.js";
import type { EngineEvent } from "./events.js";

const v1 = validateSpec({
  name: "shop",
  environment: "staging",
  services: [{ name: "web", image: "acme/web:1", dependsOn: ["postgres"] }],
  databases: [{ name: "postgres", engine: "postgres" }],
});
const v2 = validateSpec({
  ...v1,
  services: [
    { ...v1.services[0], image: "acme/web:2" },
    { name: "worker", kind: "worker", image: "acme/worker:2" },
  ],
});

let store: StateStore;
beforeEach(async () => {
  store = await openStateStore({ home: mkdtempSync(join(tmpdir(), "codeploy-deploy-")) });
});
afterEach(async () => {
  await store.close();
});

function deps(
  options: NullProviderOptions = {},
): DeployDeps & { provider: ReturnType<typeof createNullProvider> } {
  const provider = createNullProvider(options);
  return {
    store,
    provider,
    providerFor: () => provider,
    render: (spec): RenderResult => ({
      target: spec.target,
      files: [{ path: "spec.json", content: JSON.stringify(spec) }],
    }),
    hashArtifacts: (a) => Object.fromEntries(a.files.map((f) => [f.path, String(f.content.length)])),
  };
}
const fast = { retry: { initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 2 } };

describe("deploy", () => {
  it("records a revision, a deployment and every event, then releases the lock", async () => {
    const events: EngineEvent[] = [];
    const out = await deploy({ spec: v1, actor: "ana", request: "deploy the shop" }, deps(), {
      ...fast,
      onEvent: (e) => events.push(e),
    });
    expect(out.deployment.outcome).toBe("succeeded");
    expect(out.revision).toMatchObject({ number: 1, request: "deploy the shop", actor: "ana" });
    const stored = await store.listEvents(out.deployment.id);
    expect(stored.map((e) => e.type)).toEqual(events.map((e) => e.type));
    expect(stored.at(-1)?.type).toBe("run-finished");
    expect(await store.getLock({ app: "shop", environment: "staging" })).toBeUndefined();
    const [status] = await store.status({ app: "shop", environment: "staging" });
    expect(status?.currentRevision).toBe(1);
    expect((await store.verifyAudit()).ok).toBe(true);
    expect((await store.listAudit()).at(-1)).toMatchObject({ actor: "ana", command: "apply", outcome: "ok" });
  });

  it("records the interpreter's token usage and cost with the revision", async () => {
    const usage = { model: "ollama/llama3.1", calls: 2, inputTokens: 1200, outputTokens: 340, costUsd: 0 };
    const out = await deploy(
      { spec: v1, actor: "ana", interpreter: "llm:ollama/llama3.1", interpretUsage: usage },
      deps(),
      fast,
    );
    expect(out.revision.interpretUsage).toEqual(usage);
    expect((await store.getRevision({ app: "shop", environment: "staging" }, 1))?.interpretUsage).toEqual(
      usage,
    );
  });

  it("applies only the difference to what runs", async () => {
    await deploy({ spec: v1, actor: "ana" }, deps(), fast);
    const d = deps();
    const out = await deploy({ spec: v2, actor: "ana" }, d, fast);
    expect(out.deployment.outcome).toBe("succeeded");
    expect([...d.provider.applied].sort()).toEqual(["service:web", "service:worker"]);
  });

  it("rolls back to the previous revision when a step fails", async () => {
    await deploy({ spec: v1, actor: "ana" }, deps(), fast);
    const d = deps({ failSteps: ["service:worker"], retryable: false });
    const events: EngineEvent[] = [];
    const out = await deploy({ spec: v2, actor: "ana" }, d, { ...fast, onEvent: (e) => events.push(e) });
    expect(out.result.outcome).toBe("failed");
    expect(out.rollback?.outcome).toBe("succeeded");
    expect(out.deployment.outcome).toBe("rolled-back");
    expect(events.some((e) => e.type === "step-rolled-back" && e.stepId === "service:web")).toBe(true);
    const [status] = await store.status({ app: "shop", environment: "staging" });
    expect(status?.currentRevision).toBe(1);
  });

  it("stops without rolling back with onFailure stop", async () => {
    const out = await deploy(
      { spec: v1, actor: "ana", onFailure: "stop" },
      deps({ failSteps: ["service:web"], retryable: false }),
      fast,
    );
    expect(out.deployment.outcome).toBe("failed");
    expect(out.rollback).toBeUndefined();
    expect(out.deployment.error).toContain("service:web");
  });

  it("refuses a second apply while the first holds the lock", async () => {
    const slow = deploy({ spec: v1, actor: "ana" }, deps({ delayMs: 100 }), fast);
    await new Promise((r) => setTimeout(r, 30));
    await expect(deploy({ spec: v1, actor: "bob" }, deps(), fast)).rejects.toThrow(/locked by ana since/);
    expect((await slow).deployment.outcome).toBe("succeeded");
  });

  it("rolls back by default to the last revision that succeeded and differs from what runs, never a failed one", async () => {
    const key = { app: "shop", environment: "staging", actor: "ana" };
    const v3 = validateSpec({ ...v1, services: [{ ...v1.services[0], image: "acme/web:3" }] });
    await deploy({ spec: v1, actor: "ana" }, deps(), fast); // revision 1: succeeded
    const failed = await deploy(
      { spec: v2, actor: "ana" },
      deps({ failSteps: ["service:worker"], retryable: false }),
      fast,
    ); // revision 2: failed, rolled back to 1
    expect(failed.deployment.outcome).toBe("rolled-back");
    await deploy({ spec: v3, actor: "ana" }, deps(), fast); // revision 3: succeeded, runs
    const back = await rollbackTo(key, deps(), fast);
    // The revision before 3 is 2, which never ran: the default skips it for 1.
    expect(back.deployment).toMatchObject({ action: "rollback", revision: 1, outcome: "succeeded" });
    // Now 1 runs; the last good one that differs is 3 (1 itself is what runs).
    const again = await rollbackTo(key, deps(), fast);
    expect(again.deployment).toMatchObject({ revision: 3, outcome: "succeeded" });
    expect((await store.status({ app: "shop", environment: "staging" }))[0]?.currentRevision).toBe(3);
  });

  it("has no default rollback target when nothing else ever succeeded", async () => {
    await deploy({ spec: v1, actor: "ana" }, deps(), fast);
    await deploy(
      { spec: v2, actor: "ana", onFailure: "stop" },
      deps({ failSteps: ["service:worker"], retryable: false }),
      fast,
    );
    await expect(
      rollbackTo({ app: "shop", environment: "staging", actor: "ana" }, deps(), fast),
    ).rejects.toThrow(/no earlier revision that succeeded and differs from what runs/);
  });

  it("rolls back to an earlier revision on request, and destroys", async () => {
    await deploy({ spec: v1, actor: "ana" }, deps(), fast);
    await deploy({ spec: v2, actor: "ana" }, deps(), fast);
    const back = await rollbackTo({ app: "shop", environment: "staging", actor: "ana" }, deps(), fast);
    expect(back.deployment).toMatchObject({ action: "rollback", revision: 1, outcome: "succeeded" });
    expect((await store.status({ app: "shop", environment: "staging" }))[0]?.currentRevision).toBe(1);
    await expect(
      rollbackTo({ app: "shop", environment: "staging", actor: "ana", toRevision: 9 }, deps(), fast),
    ).rejects.toThrow(/revision 9/);
    const gone = await destroyEnvironment(
      { app: "shop", environment: "staging", actor: "ana" },
      deps(),
      fast,
    );
    expect(gone.deployment).toMatchObject({ action: "destroy", outcome: "succeeded" });
    expect(gone.plan.steps.at(-1)?.id).toBe("remove-network");
    expect((await store.status({ app: "shop", environment: "staging" }))[0]?.currentRevision).toBeUndefined();
  });

  it("stops starting steps when its lock is taken, records lock-lost, and does not roll back over the new holder", async () => {
    const events: EngineEvent[] = [];
    const run = deploy({ spec: v2, actor: "ana" }, deps({ delayMs: 120 }), {
      ...fast,
      parallelism: 1,
      leaseMs: 150,
      onEvent: (e) => events.push(e),
    });
    await new Promise((r) => setTimeout(r, 60));
    // Someone frees it by force and takes it: ana's next renewal finds a foreign token.
    expect(await store.unlock({ app: "shop", environment: "staging" }, { force: true })).toMatchObject({
      freed: true,
    });
    await store.acquireLock({ app: "shop", environment: "staging" }, { actor: "bob" });
    const out = await run;
    expect(out.deployment.outcome).toBe("failed");
    expect(out.deployment.error).toMatch(/^lock-lost: the lock on shop\/staging was taken over or freed/);
    expect(out.rollback).toBeUndefined();
    expect(events.filter((e) => e.type === "lock-lost")).toHaveLength(1);
    const started = events.filter((e) => e.type === "step-started").length;
    expect(started).toBeLessThan(out.plan.steps.length);
    const recorded = await store.listEvents(out.deployment.id);
    expect(recorded.some((e) => e.type === "lock-lost")).toBe(true);
    const audit = await store.listAudit();
    expect(audit.map((a) => [a.command, a.outcome])).toEqual([
      ["apply", "started"],
      ["apply", "failed"],
    ]);
    expect(audit[1]?.details).toMatchObject({ reason: "lock-lost" });
    // bob's lock is left alone.
    expect(await store.getLock({ app: "shop", environment: "staging" })).toMatchObject({ actor: "bob" });
  });
});
