/**
 * What keeps one caller from holding the server: a cap on components per spec
 * (413 naming it), a bound on concurrent deployments with an ordered wait list
 * (202 with the position) and 429 with Retry-After beyond it, and request
 * limits that may only lower the server's.
 */
import { afterAll, describe, expect, it } from "vitest";
import { type Harness, keyFor, serverConfig, startHarness } from "./__fixtures__/harness.js";

const harnesses: Harness[] = [];
afterAll(() => Promise.all(harnesses.map((h) => h.close())));

async function harness(config: Record<string, unknown>, delayMs = 0) {
  const h = await startHarness({
    delayMs,
    config: serverConfig({
      rateLimit: { requestsPerMinute: 1_000_000, burst: 1_000_000 },
      planWorkers: 0,
      ...config,
    }),
  });
  harnesses.push(h);
  return { h, token: await keyFor(h.store, "deployer", "deployer") };
}

const spec = (name: string, services = 1) => ({
  name,
  environment: "staging",
  services: Array.from({ length: services }, (_, i) => ({ name: `s${i}`, image: "nginx:1.27", port: 80 })),
});

interface Answer {
  id?: string;
  revision?: number;
  queued?: boolean;
  position?: number;
  error?: { code: string; message: string; details?: unknown };
}

describe("components per spec", () => {
  it("refuses a spec above server.maxComponents with 413 naming the limit, on plan and deploy", async () => {
    const { h, token } = await harness({ maxComponents: 5 });
    const big = { ...spec("big", 5), databases: [{ name: "db", engine: "postgres" }] };
    for (const path of ["/v1/plan", "/v1/deployments"]) {
      const res = await h.request(path, { method: "POST", token, json: { spec: big } });
      expect(res.status).toBe(413);
      const body = (await res.json()) as Answer;
      expect(body.error?.code).toBe("TOO_MANY_COMPONENTS");
      expect(body.error?.message).toContain("at most 5 (server.maxComponents)");
      expect(body.error?.details).toEqual({ components: 6, limit: 5 });
    }
    const ok = await h.request("/v1/plan", { method: "POST", token, json: { spec: spec("small", 5) } });
    expect(ok.status).toBe(200);
  });

  it("defaults to 500", async () => {
    const { h, token } = await harness({});
    const res = await h.request("/v1/plan", { method: "POST", token, json: { spec: spec("many", 501) } });
    expect(res.status).toBe(413);
    expect(((await res.json()) as Answer).error?.message).toContain("at most 500");
  });
});

describe("concurrent deployments", () => {
  it("runs maxConcurrentDeployments at once, queues the next in order (202, position), refuses beyond with 429", async () => {
    const { h, token } = await harness({ maxConcurrentDeployments: 1, maxQueuedDeployments: 2 }, 300);
    const post = (name: string) =>
      h.request("/v1/deployments", { method: "POST", token, json: { spec: spec(name) } });
    const first = await post("q1");
    expect(first.status).toBe(202);
    const running = (await first.json()) as Answer;
    expect(running.queued).toBeUndefined();
    expect(running.revision).toBe(1);
    const second = (await (await post("q2")).json()) as Answer;
    const third = (await (await post("q3")).json()) as Answer;
    expect([second.queued, second.position]).toEqual([true, 1]);
    expect([third.queued, third.position]).toEqual([true, 2]);
    const refused = await post("q4");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as Answer).error?.code).toBe("DEPLOYMENTS_BUSY");
    expect(await h.store.getDeployment(third.id ?? "")).toBeUndefined();

    const outcomes = () =>
      Promise.all([running, second, third].map((a) => h.store.getDeployment(a.id ?? "")));
    let done = await outcomes();
    for (let i = 0; i < 200 && done.some((d) => d?.outcome === undefined); i++) {
      await new Promise((r) => setTimeout(r, 50));
      done = await outcomes();
    }
    expect(done.map((d) => d?.outcome)).toEqual(["succeeded", "succeeded", "succeeded"]);
    // In order: each started after the one before it ended.
    const [a, b, c] = done;
    expect(Date.parse(b?.startedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(a?.finishedAt ?? ""));
    expect(Date.parse(c?.startedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(b?.finishedAt ?? ""));
  });
});

describe("request limits on POST /v1/deployments", () => {
  it("accepts a lower parallelism and step timeout and refuses higher ones with 400 naming the ceiling", async () => {
    const h = await startHarness({
      deployOptions: { parallelism: 4, stepTimeoutMs: 60_000 },
      config: serverConfig({ planWorkers: 0 }),
    });
    harnesses.push(h);
    const token = await keyFor(h.store, "d", "deployer");
    const post = (name: string, extra: Record<string, unknown>) =>
      h.request("/v1/deployments", { method: "POST", token, json: { spec: spec(name), ...extra } });
    const high = await post("p1", { parallelism: 64 });
    expect(high.status).toBe(400);
    const body = (await high.json()) as Answer;
    expect(body.error?.code).toBe("LIMIT_EXCEEDED");
    expect(body.error?.message).toContain("limit of 4");
    const slow = await post("p2", { stepTimeoutSeconds: 3600 });
    expect(slow.status).toBe(400);
    expect(((await slow.json()) as Answer).error?.message).toContain("limit of 60");
    expect((await post("p3", { parallelism: 2, stepTimeoutSeconds: 30 })).status).toBe(202);
    await h.api.runs.idle();
  });
});
