import { describe, expect, it } from "vitest";
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
