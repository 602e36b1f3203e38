import { describe, expect, it } from "vitest";
import { pullReason } from "./images.js";

describe("pullReason: the engine's words sorted into what a caller may be told", () => {
  it.each([
    ["manifest unknown: manifest unknown", undefined, "the registry does not have it"],
    [
      "repository docker.io/library/nope not found: does not exist or no pull access",
      undefined,
      "the registry does not have it",
    ],
    ["anything", 404, "the registry does not have it"],
    ["unauthorized: authentication required", undefined, "the registry refused access to it"],
    ["denied: requested access to the resource is denied", undefined, "the registry refused access to it"],
    [
      'Get "https://10.1.2.3:5000/v2/": dial tcp 10.1.2.3:5000: connect: connection refused',
      undefined,
      "its registry cannot be reached from the engine",
    ],
    [
      "pinging container registry registry.internal: lookup registry.internal on 10.0.0.53:53: no such host",
      undefined,
      "its registry cannot be reached from the engine",
    ],
    [
      "x509: certificate signed by unknown authority",
      undefined,
      "its registry cannot be reached from the engine",
    ],
    ["something else entirely", 500, "the engine could not pull it"],
  ])("%j (HTTP %s) -> %s", (text, status, reason) => {
    const said = pullReason(text, status);
    expect(said).toBe(reason);
    // Never a word of the engine's text beyond our own phrases.
    for (const fragment of ["10.", "lookup", "dial", "x509", "registry.internal"])
      expect(said).not.toContain(fragment);
  });
});
