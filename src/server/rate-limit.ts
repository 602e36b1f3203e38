/**
 * Token buckets: `burst` requests at once, refilled at `requestsPerMinute`.
 * In-process by default; with Redis the bucket lives in one hash per key and
 * is updated by a Lua script (atomic, on Redis's clock), so several `serve`
 * processes enforce one limit. rate-limiter-flexible only offers fixed
 * windows, which let twice the burst through at a window edge; hence this.
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { ConfigError } from "../core/errors.js";
import { importPackage } from "../core/import-package.js";
import { hidePassword } from "../state/backend.js";

export interface RateLimitSettings {
  readonly requestsPerMinute: number;
  readonly burst: number;
}

export interface RateDecision {
  readonly allowed: boolean;
  /** Tokens left after this request (rounded down). */
  readonly remaining: number;
  /** When refused: how long until one token is back, in ms. */
  readonly retryAfterMs: number;
}

export interface RateLimiter {
  /** Takes one token from the bucket named `key` (a principal id or `ip:<address>`). */
  take(key: string): Promise<RateDecision>;
  close(): Promise<void>;
}

interface Bucket {
  tokens: number;
  at: number;
}

export function memoryRateLimiter(
  settings: RateLimitSettings,
  now: () => number = () => performance.now(),
): RateLimiter {
  const perMs = settings.requestsPerMinute / 60_000;
  const buckets = new Map<string, Bucket>();
  const fullAfterMs = settings.burst / perMs;
  let lastSweep = now();
  const sweep = (t: number) => {
    // Buckets that would be full again carry no information: drop them.
    if (t - lastSweep < 60_000 && buckets.size < 100_000) return;
    lastSweep = t;
    for (const [key, b] of buckets) if (t - b.at >= fullAfterMs) buckets.delete(key);
  };
  return {
    async take(key) {
      const t = now();
      sweep(t);
      const b = buckets.get(key) ?? { tokens: settings.burst, at: t };
      b.tokens = Math.min(settings.burst, b.tokens + (t - b.at) * perMs);
      b.at = t;
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return { allowed: true, remaining: Math.floor(b.tokens), retryAfterMs: 0 };
      }
      return { allowed: false, remaining: 0, retryAfterMs: Math.ceil((1 - b.tokens) / perMs) };
    },
    async close() {
      buckets.clear();
    },
  };
}

/** KEYS[1] bucket; ARGV: tokens per ms, burst. Returns {allowed, remaining, retryAfterMs}. */
const TOKEN_BUCKET_LUA = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then tokens = burst; at = now end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = math.ceil((1 - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate) + 1000)
return {allowed, math.floor(tokens), wait}
`;
const SCRIPT_SHA = createHash("sha1").update(TOKEN_BUCKET_LUA).digest("hex");

export interface RedisRateLimiterOptions {
  readonly redis: Redis;
  /** Key prefix, so several installations can share a Redis. @default "codeploy:rl:" */
  readonly prefix?: string;
  /** Used while Redis does not answer, so an outage degrades to per-process limits. */
  readonly fallback?: RateLimiter;
  readonly onError?: (error: unknown) => void;
  /** Close the Redis connection on close(). @default true */
  readonly ownsConnection?: boolean;
}

export function redisRateLimiter(settings: RateLimitSettings, options: RedisRateLimiterOptions): RateLimiter {
  const { redis } = options;
  const prefix = options.prefix ?? "codeploy:rl:";
  const args = [String(settings.requestsPerMinute / 60_000), String(settings.burst)];
  const fallback = options.fallback ?? memoryRateLimiter(settings);
  const run = async (key: string): Promise<unknown> => {
    try {
      return await redis.evalsha(SCRIPT_SHA, 1, key, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return redis.eval(TOKEN_BUCKET_LUA, 1, key, ...args);
    }
  };
  return {
    async take(key) {
      try {
        const reply = await run(prefix + key);
        if (!Array.isArray(reply) || reply.length !== 3) throw new Error("unexpected token bucket reply");
        const [allowed, remaining, wait] = reply.map(Number);
        return { allowed: allowed === 1, remaining: remaining ?? 0, retryAfterMs: wait ?? 0 };
      } catch (error) {
        options.onError?.(error);
        return fallback.take(key);
      }
    },
    async close() {
      await fallback.close();
      if (options.ownsConnection !== false) redis.disconnect();
    },
  };
}

/** Connects to REDIS_URL; fails fast (no offline queue) so a dead Redis falls back instead of stalling requests. */
export async function connectRedis(url: string): Promise<Redis> {
  const { Redis } = await importPackage<typeof import("ioredis")>("ioredis");
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
  });
  redis.on("error", () => undefined); // reported per command through onError
  try {
    await redis.connect();
  } catch (cause) {
    redis.disconnect();
    // Failing at start beats silently enforcing per-process limits that the operator thinks are shared.
    throw new ConfigError(`REDIS_URL is set but Redis does not answer at ${hidePassword(url)}`, {
      cause,
      hint: "start Redis, fix REDIS_URL, or unset it to use in-process rate limits",
    });
  }
  return redis;
}
