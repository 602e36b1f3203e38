/**
 * Container logs of an app + environment, as lines with the replica they
 * came from (`web-0`). The Engine API multiplexes stdout and stderr into
 * frames (an 8-byte header: stream, 0, 0, 0, length) unless the container
 * has a TTY; lines are split per container and stream.
 */
import type Docker from "dockerode";
import type { LogLine, LogsContext } from "../../engine/provider.js";
import { listContainers } from "./containers.js";
import { apiError } from "./errors.js";
import { LABEL } from "./names.js";

export type { LogLine };

/** The engine's logs request: app, environment, service, follow, tail, timestamps, signal, onLine. */
export type StreamLogsOptions = LogsContext;

/** Splits a byte stream of frames into (stream, payload) pieces; a chunk may end mid-frame. */
export class FrameDemuxer {
  private pending = Buffer.alloc(0);
  private raw: boolean | undefined;

  push(chunk: Buffer): { stream: "stdout" | "stderr"; data: Buffer }[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    // A TTY container sends plain bytes: no frame header to read.
    this.raw ??= !(this.pending.length < 8 || this.looksFramed());
    if (this.raw) {
      const data = this.pending;
      this.pending = Buffer.alloc(0);
      return [{ stream: "stdout", data }];
    }
    const out: { stream: "stdout" | "stderr"; data: Buffer }[] = [];
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      out.push({
        stream: this.pending[0] === 2 ? "stderr" : "stdout",
        data: this.pending.subarray(8, 8 + size),
      });
      this.pending = this.pending.subarray(8 + size);
    }
    return out;
  }

  private looksFramed(): boolean {
    const p = this.pending;
    return (p[0] === 0 || p[0] === 1 || p[0] === 2) && p[1] === 0 && p[2] === 0 && p[3] === 0;
  }
}

/** Turns pieces of text into whole lines; `flush` gives what is left without a newline. */
export class LineSplitter {
  private rest = "";

  push(text: string): string[] {
    const parts = (this.rest + text).split("\n");
    this.rest = parts.pop() ?? "";
    return parts.map((l) => l.replace(/\r$/, ""));
  }

  flush(): string[] {
    const last = this.rest;
    this.rest = "";
    return last === "" ? [] : [last];
  }
}

function reader(source: string, onLine: StreamLogsOptions["onLine"]) {
  const demux = new FrameDemuxer();
  const lines = { stdout: new LineSplitter(), stderr: new LineSplitter() };
  return {
    push(chunk: Buffer) {
      for (const piece of demux.push(chunk)) {
        for (const text of lines[piece.stream].push(piece.data.toString("utf8")))
          onLine({ source, stream: piece.stream, text });
      }
    },
    end() {
      for (const stream of ["stdout", "stderr"] as const)
        for (const text of lines[stream].flush()) onLine({ source, stream, text });
    },
  };
}

async function oneContainer(docker: Docker, id: string, source: string, o: StreamLogsOptions): Promise<void> {
  const r = reader(source, o.onLine);
  const base = {
    stdout: true,
    stderr: true,
    ...(o.tail !== undefined ? { tail: o.tail } : {}),
    ...(o.timestamps ? { timestamps: true } : {}),
  };
  try {
    if (!o.follow) {
      r.push(await docker.getContainer(id).logs({ ...base, follow: false }));
      r.end();
      return;
    }
    const stream = await docker.getContainer(id).logs({ ...base, follow: true, abortSignal: o.signal });
    await new Promise<void>((resolve) => {
      stream.on("data", (chunk: Buffer) => r.push(chunk));
      stream.once("end", resolve);
      stream.once("close", resolve);
      // Ctrl-C aborts the request: the stream errors, which ends this container's part.
      stream.once("error", () => resolve());
    });
    r.end();
  } catch (error) {
    if (o.signal.aborted) return;
    throw apiError(`reading the logs of ${source}`, error);
  }
}

/** Streams the logs of every container of the app + environment (or one service); resolves with how many. */
export async function streamLogs(docker: Docker, o: StreamLogsOptions): Promise<number> {
  const list = await listContainers(docker, { app: o.app, environment: o.environment }, o.signal, o.service);
  const sources = list.map((e) => {
    const service = e.info.Labels[LABEL.service] ?? e.name;
    return { id: e.id, source: e.replica >= 0 ? `${service}-${e.replica}` : service };
  });
  if (o.follow) await Promise.all(sources.map((s) => oneContainer(docker, s.id, s.source, o)));
  else for (const s of sources) await oneContainer(docker, s.id, s.source, o);
  return sources.length;
}
