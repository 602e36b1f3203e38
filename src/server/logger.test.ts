import { describe, expect, it } from "vitest";
import { keyFor, serverConfig, startHarness } from "./__fixtures__/harness.js";
import { jsonLogger } from "./logger.js";

describe("jsonLogger", () => {
  it("writes one JSON line with the error's stack, secrets redacted", () => {
    const lines: string[] = [];
    const logger = jsonLogger((l) => lines.push(l));
    const error = new Error("connect failed: postgres://app:hunter2@db/x PASSWORD=hunter2");
    logger.log("error", "deploy failed with TOKEN=abc123", { requestId: "r1", error });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] ?? "{}");
    expect(entry).toMatchObject({
      level: "error",
      requestId: "r1",
      message: "deploy failed with TOKEN=[redacted]",
    });
    expect(entry.error.stack).toMatch(/logger\.test\.ts/);
    expect(lines[0]).not.toContain("hunter2");
    expect(lines[0]).not.toContain("abc123");
  });
});

describe("access log", () => {
  it("logs one line per request with actor, status and time; never the token; quiet for probes that pass", async () => {
    const lines: string[] = [];
    const h = await startHarness({ logger: jsonLogger((l) => lines.push(l)) });
    try {
      const token = await keyFor(h.store, "reader", "viewer");
      await h.request("/healthz");
      await h.request("/metrics");
      await h.request("/v1/apps?page=1", { token });
      await h.request("/v1/apps", { token: "cdp_bogus_0000" });
      await h.request("/v1/keys", { token });
      const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(entries.map((e) => [e.level, e.message, e.actor])).toEqual([
        ["info", "GET /v1/apps 200", "key:reader"],
        ["info", "GET /v1/apps 401", undefined],
        ["info", "GET /v1/keys 403", "key:reader"],
      ]);
      expect(entries[0]).toMatchObject({ method: "GET", path: "/v1/apps", status: 200, ip: "unknown" });
      expect(typeof entries[0]?.ms).toBe("number");
      expect(typeof entries[0]?.requestId).toBe("string");
      expect(lines.join("")).not.toContain(token);
      expect(lines.join("")).not.toContain("page=1");
    } finally {
      await h.close();
    }
  });

  it("is off with server.accessLog: false", async () => {
    const lines: string[] = [];
    const h = await startHarness({
      logger: jsonLogger((l) => lines.push(l)),
      config: serverConfig({ accessLog: false }),
    });
    try {
      await h.request("/v1/apps");
      expect(lines).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
