import { describe, expect, it } from "vitest";
import { parseCaptions, toSentences } from "./captions.js";

describe("parseCaptions", () => {
  it("reads WebVTT cues with hours, markup and entities, skipping NOTE blocks", () => {
    const vtt = `WEBVTT\n\nNOTE made by hand\n\n1\n01:00:01.250 --> 01:00:03.000 align:start\n<v Ann>Run <b>kubectl</b> get pods &amp; wait</v>\n`;
    expect(parseCaptions(vtt)).toEqual([{ start: 3601.25, end: 3603, text: "Run kubectl get pods & wait" }]);
  });

  it("reads SRT with commas and CRLF line ends", () => {
    const srt =
      "1\r\n00:00:01,000 --> 00:00:02,500\r\nFirst line\r\nsecond line\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\nNext.\r\n";
    expect(parseCaptions(srt)).toEqual([
      { start: 1, end: 2.5, text: "First line second line" },
      { start: 3, end: 4, text: "Next." },
    ]);
  });

  it("drops the repeated line that rolling auto-captions carry into the next cue", () => {
    const vtt =
      "WEBVTT\n\n00:00.000 --> 00:01.000\nopen a terminal\n\n00:01.000 --> 00:02.000\nopen a terminal and run make\n";
    expect(parseCaptions(vtt).map((c) => c.text)).toEqual(["open a terminal", "and run make"]);
  });
});

describe("toSentences", () => {
  it("joins cues into sentences that keep the time of the cue they start in", () => {
    const s = toSentences([
      { start: 1, end: 2, text: "First, open the" },
      { start: 2, end: 3, text: "terminal. Then run it." },
    ]);
    expect(s).toEqual([
      { start: 1, end: 3, text: "First, open the terminal." },
      { start: 2, end: 3, text: "Then run it." },
    ]);
  });
});
