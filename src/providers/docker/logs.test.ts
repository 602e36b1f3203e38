import { describe, expect, it } from "vitest";
import { FrameDemuxer, LineSplitter } from "./logs.js";

function frame(stream: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

describe("FrameDemuxer", () => {
  it("splits multiplexed stdout and stderr, even when a frame arrives in pieces", () => {
    const bytes = Buffer.concat([frame(1, "out one\n"), frame(2, "err one\n"), frame(1, "out two\n")]);
    const demux = new FrameDemuxer();
    const pieces = [bytes.subarray(0, 5), bytes.subarray(5, 19), bytes.subarray(19)].flatMap((c) =>
      demux.push(c),
    );
    expect(pieces.map((p) => [p.stream, p.data.toString()])).toEqual([
      ["stdout", "out one\n"],
      ["stderr", "err one\n"],
      ["stdout", "out two\n"],
    ]);
  });

  it("passes a TTY container's plain bytes through as stdout", () => {
    const demux = new FrameDemuxer();
    expect(demux.push(Buffer.from("plain text from a tty\n")).map((p) => p.data.toString())).toEqual([
      "plain text from a tty\n",
    ]);
  });
});

describe("LineSplitter", () => {
  it("joins pieces into whole lines and keeps the unfinished rest for flush", () => {
    const lines = new LineSplitter();
    expect(lines.push("hel")).toEqual([]);
    expect(lines.push("lo\r\nwor")).toEqual(["hello"]);
    expect(lines.push("ld\nla")).toEqual(["world"]);
    expect(lines.flush()).toEqual(["la"]);
  });
});
