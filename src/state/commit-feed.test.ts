import { describe, expect, it } from "vitest";
import { decodeNotice, encodeNotice, MAX_PAYLOAD_BYTES, RESYNC_PAYLOAD } from "./commit-feed.js";

describe("commit notice payloads", () => {
  it("round-trip the deployment id (any character, colons included), the seq and the finish flag", () => {
    for (const notice of [
      { deploymentId: "0b6f3a4e-8d0c-4d7e-9a51-2f1c7c3d9e10", seq: 17, finished: false },
      { deploymentId: "a:b:c\nd é", seq: 0, finished: true },
    ]) {
      expect(decodeNotice(encodeNotice(notice))).toEqual(notice);
    }
  });

  it("send a resync instead of a payload Postgres would refuse (8000 bytes or more)", () => {
    const fits = "x".repeat(MAX_PAYLOAD_BYTES - "12:r:".length);
    expect(encodeNotice({ deploymentId: fits, seq: 12, finished: false })).toHaveLength(MAX_PAYLOAD_BYTES);
    // Multi-byte characters count as bytes, not as characters.
    const wide = "é".repeat(MAX_PAYLOAD_BYTES / 2);
    expect(encodeNotice({ deploymentId: wide, seq: 1, finished: false })).toBe(RESYNC_PAYLOAD);
    expect(decodeNotice(RESYNC_PAYLOAD)).toBe("resync");
  });

  it("read anything unknown (a newer writer, garbage) as a resync, never as a wrong notice", () => {
    for (const payload of ["", "12", "12:x:id", "-1:r:id", "1e3:r:id", "12:r:", "v2|12|id"]) {
      expect(decodeNotice(payload)).toBe("resync");
    }
  });
});
