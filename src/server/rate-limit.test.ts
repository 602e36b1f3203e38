/**
 * Token buckets under concurrent load: in-process through the app, and
 * shared through a real Redis server (started here) by two listening servers,
 * which together let exactly `burst` requests through, then answer 429 with
 * Retry-After; two real `codeploy serve` processes configured only by
 * codeploy.yaml and REDIS_URL enforce one limit. Buckets are keyed by
 * principal id and IP, never by the token.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis } from "../../test/helpers/redis.js";
import { openStateStore } from "../state/store.js";
import { type Harness, keyFor, serverConfig, startHarness } from "./__fixtures__/harness.js";
import { killServeProcesses, startServe } from "./__fixtures__/serve-process.js";
import { silentLogger } from "./logger.js";
import { clientIpResolver } from "./middleware.js";
import { providerResolver } from "./providers.js";
import { connectRedis, memoryRateLimiter, redisRateLimiter } from "./rate-limit.js";
import { type RunningServer, startServer } from "./server.js";

const LIMITS = { requestsPerMinute: 60, burst: 5 };

describe("memory token bucket", () => {
  it("allows the burst, then one request per refill interval, with the wait until the next token", async () => {
    let t = 0;
    const limiter = memoryRateLimiter({ requestsPerMinute: 60, burst: 3 }, () => t);
    const taken = [];
    for (let i = 0; i < 4; i++) taken.push(await limiter.take("k"));
    expect(taken.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(taken[3]?.retryAfterMs).toBe(1000);
    t = 500;
    expect((await limiter.take("k")).retryAfterMs).toBe(500);
    t = 1000;
    expect((await limiter.take("k")).allowed).toBe(true);
    expect((await limiter.take("other")).allowed).toBe(true);
  });
});

describe("connectRedis", () => {
  it("refuses to start when REDIS_URL does not answer, without printing its password", async () => {
    const failure = connectRedis("redis://user:hunter2@127.0.0.1:9/0");
    await expect(failure).rejects.toMatchObject({ code: "CONFIG" });
    await expect(failure).rejects.not.toThrow(/hunter2/);
  });
});

describe("rate limits in-process, through the app", () => {
  let h: Harness;
  let tokens: string[];
  beforeAll(async () => {
    h = await startHarness({ config: serverConfig({ rateLimit: LIMITS, trustProxy: true }) });
    tokens = await Promise.all([0, 1, 2, 3].map((i) => keyFor(h.store, `rl-${i}`, "viewer")));
  });
  afterAll(() => h.close());

  const fire = (pairs: readonly { token: string; ip: string }[]) =>
    Promise.all(
      pairs.map(({ token, ip }) => h.request("/v1/apps", { token, headers: { "x-forwarded-for": ip } })),
    );

  it("limits one token across many IPs to the burst", async () => {
    const answers = await fire(
      Array.from({ length: 20 }, (_, i) => ({ token: tokens[0] ?? "", ip: `10.0.0.${i}` })),
    );
    expect(answers.filter((r) => r.status === 200)).toHaveLength(LIMITS.burst);
    const refused = answers.filter((r) => r.status === 429);
    expect(refused).toHaveLength(20 - LIMITS.burst);
    for (const r of refused) expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const first = (await refused[0]?.json()) as { error?: { code: string } } | undefined;
    expect(first?.error?.code).toBe("RATE_LIMITED");
  });

  it("limits one IP across many tokens to the burst", async () => {
    const pairs = Array.from({ length: 15 }, (_, i) => ({
      token: tokens[1 + (i % 3)] ?? "",
      ip: "192.0.2.7",
    }));
    const answers = await fire(pairs);
    expect(answers.filter((r) => r.status === 200)).toHaveLength(LIMITS.burst);
  });

  it("limits unauthenticated floods by IP before looking at the token", async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        h.request("/v1/apps", { token: "cdp_bad", headers: { "x-forwarded-for": "198.51.100.1" } }),
      ),
    );
    expect(answers.filter((r) => r.status === 401)).toHaveLength(LIMITS.burst);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(10 - LIMITS.burst);
  });
});

describe("the client address behind proxies", () => {
  const harnesses: Harness[] = [];
  afterAll(() => Promise.all(harnesses.map((x) => x.close())));

  /** 12 requests, each with a fresh token holder and a different client-written first entry. */
  async function rotate(trustProxy: boolean | number, chainEnd: string): Promise<number[]> {
    const h = await startHarness({
      config: serverConfig({ rateLimit: LIMITS, trustProxy }),
      peerAddress: () => "127.0.0.1",
    });
    harnesses.push(h);
    const keys = await Promise.all([0, 1, 2].map((i) => keyFor(h.store, `xff-${i}`, "viewer")));
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        h.request("/v1/apps", {
          token: keys[i % 3] ?? "",
          headers: { "x-forwarded-for": `198.18.${i}.${i + 1}, ${chainEnd}` },
        }),
      ),
    );
    return answers.map((r) => r.status);
  }

  it("takes the hop the trusted proxy added: rotating the first entry does not escape the per-IP limit", async () => {
    const statuses = await rotate(true, "203.0.113.9");
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMITS.burst);
    expect(statuses.filter((s) => s === 429)).toHaveLength(12 - LIMITS.burst);
  });

  it("counts trustProxy: N hops from the right", async () => {
    // Two proxies: the outer one wrote 203.0.113.10 (the client), the inner one 10.0.0.2 (the outer proxy).
    const statuses = await rotate(2, "203.0.113.10, 10.0.0.2");
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMITS.burst);
  });

  it("ignores X-Forwarded-For without trustProxy: the socket's peer is the client", async () => {
    const statuses = await rotate(false, "203.0.113.11");
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMITS.burst);
  });

  it("resolves the address hop by hop", () => {
    const at = (trust: boolean | number, xff: string | undefined) => {
      const headers: Record<string, string> = xff === undefined ? {} : { "x-forwarded-for": xff };
      const c = { req: { header: (name: string) => headers[name] } };
      return clientIpResolver(
        trust,
        () => "192.0.2.1",
      )(c as unknown as Parameters<ReturnType<typeof clientIpResolver>>[0]);
    };
    expect(at(true, "1.1.1.1, 2.2.2.2")).toBe("2.2.2.2");
    expect(at(2, "1.1.1.1, 2.2.2.2, 3.3.3.3")).toBe("2.2.2.2");
    expect(at(3, "2.2.2.2, 3.3.3.3")).toBe("2.2.2.2");
    expect(at(true, "1.1.1.1, not-an-address")).toBe("192.0.2.1");
    expect(at(true, undefined)).toBe("192.0.2.1");
    expect(at(false, "1.1.1.1")).toBe("192.0.2.1");
    expect(at(true, "2001:db8::1")).toBe("2001:db8::1");
  });
});

const redis = await startRedis();
afterAll(async () => {
  await redis?.stop();
});

describe.skipIf(redis === undefined)("rate limits shared through a real Redis", () => {
  const servers: RunningServer[] = [];
  let h: Harness;
  let token = "";
  beforeAll(async () => {
    h = await startHarness();
    token = await keyFor(h.store, "shared", "viewer");
    for (let i = 0; i < 2; i++) {
      const client = await connectRedis(redis?.url ?? "");
      servers.push(
        await startServer({
          store: h.store,
          port: 0,
          logger: silentLogger,
          providers: providerResolver({ forced: "null" }),
          config: serverConfig({ rateLimit: { requestsPerMinute: 60, burst: 10 } }),
          rateLimiter: redisRateLimiter({ requestsPerMinute: 60, burst: 10 }, { redis: client }),
        }),
      );
    }
  });
  afterAll(async () => {
    for (const s of servers) await s.close(0);
    await h.close();
  });

  it("lets exactly the burst through two servers together, then 429 with Retry-After", async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        fetch(`${servers[i % 2]?.url}/v1/apps`, { headers: { authorization: `Bearer ${token}` } }),
      ),
    );
    const ok = answers.filter((r) => r.status === 200);
    const limited = answers.filter((r) => r.status === 429);
    expect(ok).toHaveLength(10);
    expect(limited).toHaveLength(30);
    for (const r of limited) expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    await Promise.all(answers.map((r) => r.body?.cancel()));
  });

  it("keys buckets by principal id and IP, never by the token", async () => {
    const client = new Redis(redis?.url ?? "");
    try {
      const names = await client.keys("codeploy:rl:*");
      expect(names.some((n) => n.startsWith("codeploy:rl:key:"))).toBe(true);
      expect(names.some((n) => n.startsWith("codeploy:rl:ip:"))).toBe(true);
      const secret = token.split("_")[2] ?? "";
      for (const n of names) expect(n).not.toContain(secret);
    } finally {
      client.disconnect();
    }
  });

  it("falls back to in-process buckets while Redis does not answer", async () => {
    const client = await connectRedis(redis?.url ?? "");
    const errors: unknown[] = [];
    const limiter = redisRateLimiter(LIMITS, { redis: client, onError: (e) => errors.push(e) });
    client.disconnect();
    const decisions = await Promise.all(Array.from({ length: 7 }, () => limiter.take("fallback")));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(LIMITS.burst);
    expect(errors.length).toBeGreaterThan(0);
    await limiter.close();
  });
});

describe.skipIf(redis === undefined)("two codeploy serve processes with REDIS_URL", () => {
  afterAll(killServeProcesses);

  it("enforce server.rateLimit from codeploy.yaml as one limit under concurrent load", async () => {
    const own = await startRedis(); // its own server: the buckets above must not count here
    const work = await mkdtemp(join(tmpdir(), "codeploy-rl-procs-"));
    try {
      const home = join(work, "home");
      await writeFile(
        join(work, "codeploy.yaml"),
        "server:\n  rateLimit: { requestsPerMinute: 6, burst: 12 }\n",
      );
      const store = await openStateStore({ home });
      const token = await keyFor(store, "load", "viewer");
      await store.close();
      const env = { ...process.env, CODEPLOY_HOME: home, REDIS_URL: own?.url ?? "" };
      const servers = [startServe(work, env), startServe(work, env)];
      const urls = await Promise.all(servers.map((s) => s.url));
      expect(new Set(urls).size).toBe(2);
      const answers = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          fetch(`${urls[i % 2]}/v1/apps`, { headers: { authorization: `Bearer ${token}` } }),
        ),
      );
      const statuses = answers.map((r) => r.status);
      // 6 a minute refills one token every 10 s: within this burst of requests only the 12 pass.
      expect(statuses.filter((st) => st === 200)).toHaveLength(12);
      expect(statuses.filter((st) => st === 429)).toHaveLength(48);
      const limited = answers.find((r) => r.status === 429);
      expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(await limited?.json()).toMatchObject({ error: { code: "RATE_LIMITED" } });
      await Promise.all(answers.filter((r) => r !== limited).map((r) => r.body?.cancel()));
      for (const s of servers) s.child.kill("SIGTERM");
      expect(await Promise.all(servers.map((s) => s.exited))).toEqual([0, 0]);
    } finally {
      await own?.stop();
      await rm(work, { recursive: true, force: true });
    }
  }, 60_000);
});
