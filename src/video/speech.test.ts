import { describe, expect, it } from "vitest";
import {
  joinChunks,
  parsePocketsphinx5,
  parsePocketsphinx08,
  planChunks,
  wordsToSegments,
} from "./speech.js";

describe("chunked speech", () => {
  it("plans overlapping chunks that together own every second once", () => {
    const plans = planChunks(130, 60, 5);
    expect(plans.map((p) => [p.from, p.to, p.ownFrom])).toEqual([
      [0, 65, 0],
      [55, 125, 60],
      [115, 130, 120],
    ]);
  });

  it("joins chunks without the words heard twice in the overlap", () => {
    const plans = planChunks(20, 10, 2);
    const w = (word: string, start: number) => ({ word, start, end: start + 0.4 });
    const first = [w("deploy", 7), w("the", 9.5), w("stack", 11)];
    const second = [w("the", 9.5), w("stack", 11), w("now", 13)];
    expect(joinChunks(plans, [first, second]).map((x) => x.word)).toEqual(["deploy", "the", "stack", "now"]);
  });

  it("splits words into segments at pauses", () => {
    const segs = wordsToSegments([
      { word: "get", start: 0, end: 0.3 },
      { word: "pods", start: 0.4, end: 0.8 },
      { word: "next", start: 2, end: 2.3 },
    ]);
    expect(segs).toEqual([
      { start: 0, end: 0.8, text: "get pods." },
      { start: 2, end: 2.3, text: "next." },
    ]);
  });

  it("parses pocketsphinx 0.8 -time output, dropping fillers and alternates' marks", () => {
    const out =
      "the pods\n<s> 0.000 0.260 0.999\nthe(2) 0.270 0.460 0.78\n<sil> 0.47 0.51 0.6\npods 0.52 0.88 0.4\n</s> 0.9 1.0 1\n";
    expect(parsePocketsphinx08(out, 10)).toEqual([
      { word: "the", start: 10.27, end: 10.46 },
      { word: "pods", start: 10.52, end: 10.88 },
    ]);
  });

  it("parses pocketsphinx 5 JSON lines", () => {
    const out =
      '{"b":0.0,"d":1.0,"p":1,"t":"get pods","w":[{"t":"<sil>","b":0,"d":0.1},{"t":"get","b":0.1,"d":0.2},{"t":"pods","b":0.3,"d":0.4}]}\n';
    expect(parsePocketsphinx5(out, 0).map((w) => w.word)).toEqual(["get", "pods"]);
  });
});
