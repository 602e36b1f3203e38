import { describe, expect, it } from "vitest";
import { captureIo } from "../test-io.js";
import { progressPrinter } from "./video.js";

describe("video progress", () => {
  it("prints one line per stage on a terminal, marking cached stages", () => {
    const io = captureIo({ isTty: true });
    const p = progressPrinter(io);
    p({ type: "stage-start", stage: "probe" });
    p({ type: "stage-done", stage: "probe", cached: true });
    p({ type: "progress", stage: "ocr", done: 1, total: 3 });
    expect(io.err()).toBe("- probe ...\n✓ probe (cached)\n  ocr 1/3\n");
    expect(io.out()).toBe("");
  });

  it("prints nothing without a terminal, so a pipe gets only the document", () => {
    const io = captureIo({ isTty: false });
    progressPrinter(io)({ type: "stage-start", stage: "probe" });
    expect(io.err()).toBe("");
  });
});
