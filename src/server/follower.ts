/**
 * One SSE client following one deployment: events arrive by `push` (from the
 * in-process run or the event hub) into a bounded queue and are written in
 * seq order. Order and completeness come from the store: a gap before an
 * event (a queue that overflowed, a hub that started ahead of the replay) is
 * filled by reading the store after the last seq written, so a slow client
 * holds at most `maxQueued` events in memory and never slows anyone else.
 */
import type { SSEStreamingApi } from "hono/streaming";
import type { Deployment, StepEvent } from "../state/types.js";

/** Events a client may have waiting before it is switched to reading from the store. */
export const MAX_QUEUED_EVENTS = 1000;

export class Follower {
  last: number;
  aborted = false;
  /** The final record, when the source that ended the stream had it. */
  final: Deployment | undefined;
  private ended = false;
  /** The queue overflowed: what was dropped is read back from the store. */
  private behind = false;
  private queue: StepEvent[] = [];
  private waiter: (() => void) | undefined;
  private writing = 0;

  constructor(
    private readonly stream: SSEStreamingApi,
    afterSeq: number,
    private readonly reread: (afterSeq: number) => Promise<readonly StepEvent[]>,
    private readonly maxQueued = MAX_QUEUED_EVENTS,
  ) {
    this.last = afterSeq;
  }

  /** Events waiting to be written (bounded by maxQueued). */
  get queued(): number {
    return this.queue.length;
  }

  push(events: readonly StepEvent[]): void {
    if (this.behind) return;
    if (this.queue.length + events.length > this.maxQueued) {
      this.queue = [];
      this.behind = true;
    } else {
      this.queue.push(...events);
    }
    this.wake(false);
  }

  /** The deployment is over (with its final record when known). */
  end(final?: Deployment): void {
    if (final) this.final = final;
    this.wake(true);
  }

  /** `end`: the run finished, the client left or the server is closing. */
  wake(end: boolean): void {
    if (end) this.ended = true;
    if (end && this.stream.aborted) this.aborted = true;
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** A comment line, unless a write is still waiting for the client (it would only pile up). */
  keepalive(): Promise<void> {
    if (this.writing > 0) return Promise.resolve();
    return this.write(": keep-alive\n\n");
  }

  async send(events: readonly StepEvent[]): Promise<void> {
    for (const e of events) {
      if (this.stream.aborted) break;
      if (e.seq <= this.last) continue;
      if (e.seq > this.last + 1) {
        await this.catchUp();
        if (e.seq <= this.last || this.stream.aborted) continue;
      }
      await this.writeEvent(e);
    }
    if (this.stream.aborted) this.aborted = true;
  }

  /** Writes what the store has after the last seq written. */
  async catchUp(): Promise<void> {
    for (const e of await this.reread(this.last)) {
      if (this.stream.aborted) break;
      if (e.seq > this.last) await this.writeEvent(e);
    }
    if (this.stream.aborted) this.aborted = true;
  }

  async followLive(): Promise<void> {
    for (;;) {
      if (this.behind) {
        this.behind = false;
        await this.catchUp();
      }
      const batch = this.queue;
      this.queue = [];
      await this.send(batch);
      if (this.aborted) return;
      const idle = this.queue.length === 0 && !this.behind;
      // Ended: write out what is waiting (or was dropped) first.
      if (idle && this.ended) return;
      if (idle) await this.sleep();
    }
  }

  /** Reads the store every `pollMs` until `isOver` (a run in another process, without a commit feed). */
  async poll(pollMs: number, isOver: () => Promise<boolean>): Promise<void> {
    for (;;) {
      if ((await isOver()) || this.ended || this.aborted) return;
      await this.sleep(pollMs);
      await this.catchUp();
    }
  }

  private async writeEvent(e: StepEvent): Promise<void> {
    await this.write({ id: String(e.seq), data: JSON.stringify(e) });
    this.last = e.seq;
  }

  private async write(message: string | { id: string; data: string }): Promise<void> {
    this.writing++;
    try {
      if (typeof message === "string") await this.stream.write(message);
      else await this.stream.writeSSE(message);
    } finally {
      this.writing--;
    }
  }

  private sleep(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => this.wake(false), ms);
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
