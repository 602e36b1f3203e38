import { describe, expect, it } from "vitest";
import { exitCodeOf } from "../cli/exit.js";
import { errorAnswer } from "../server/errors.js";
import { ERROR_TABLE, type ErrorCode, isErrorCode } from "./error-codes.js";
import { CodeError, isRetryable, isRetryableStatus, upstreamHttpError } from "./errors.js";

const codes = Object.keys(ERROR_TABLE) as ErrorCode[];

describe("the error table", () => {
  it("maps every code to an HTTP error status and a non-zero exit code", () => {
    for (const code of codes) {
      const { http, exit } = ERROR_TABLE[code];
      expect(http, code).toBeGreaterThanOrEqual(400);
      expect([1, 2], code).toContain(exit);
    }
  });

  it("is what the CLI and the server answer, for every code", () => {
    for (const code of codes) {
      const error = new CodeError(code, "x");
      expect(exitCodeOf(error), code).toBe(ERROR_TABLE[code].exit);
      expect(errorAnswer(error).status, code).toBe(ERROR_TABLE[code].http);
    }
  });

  it("keeps usage errors at exit 2 and refusals at exit 1", () => {
    expect(exitCodeOf(new CodeError("USAGE", "x"))).toBe(2);
    expect(exitCodeOf(new CodeError("NOT_FOUND", "x"))).toBe(2);
    expect(exitCodeOf(new CodeError("POLICY", "x"))).toBe(1);
    expect(exitCodeOf(new CodeError("LOCKED", "x"))).toBe(1);
    expect(exitCodeOf(new Error("boom"))).toBe(1);
  });

  it("gives upstream failures gateway statuses, not 400", () => {
    expect(errorAnswer(new CodeError("DOCKER_UNREACHABLE", "x")).status).toBe(503);
    expect(errorAnswer(new CodeError("KUBE_SERVER_ERROR", "x")).status).toBe(502);
    expect(errorAnswer(new CodeError("STEP_TIMEOUT", "x")).status).toBe(504);
  });

  it("tells codes from other strings", () => {
    expect(isErrorCode("LOCKED")).toBe(true);
    expect(isErrorCode("toString")).toBe(false);
    expect(isErrorCode("NOPE")).toBe(false);
  });
});

describe("retryability on the base error", () => {
  it("retries upstream 408, 429 and 5xx only", () => {
    for (const s of [408, 429, 500, 502, 503, 504]) expect(isRetryableStatus(s), String(s)).toBe(true);
    for (const s of [400, 401, 403, 404, 409, 422]) expect(isRetryableStatus(s), String(s)).toBe(false);
    expect(isRetryable(upstreamHttpError("VIDEO_TRANSCRIPTION", 503, "x"))).toBe(true);
    expect(isRetryable(upstreamHttpError("VIDEO_TRANSCRIPTION", 401, "x"))).toBe(false);
  });

  it("is false unless said, and only for our errors", () => {
    expect(new CodeError("USAGE", "x").retryable).toBe(false);
    expect(isRetryable(new CodeError("DOCKER_CONNECTION", "x", { retryable: true }))).toBe(true);
    expect(isRetryable(new Error("x"))).toBe(false);
  });
});
