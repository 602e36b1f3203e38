/**
 * GET /v1/deployments/{id}/events as Server-Sent Events: the stored events
 * after Last-Event-ID (the event seq) first, then live ones as they are
 * committed, then an `end` event with the deployment's final record. A
 * deployment running in another server process is followed by polling the
 * store. Each step event is one `message` with `id: <seq>`.
 */
import { type SSEStreamingApi, streamSSE } from "hono/streaming";
import type { Deployment, StepEvent } from "../state/types.js";
import type { AppContext, ServerDeps } from "./context.js";

const KEEPALIVE_MS = 15_000;

export function eventStream(
  c: AppContext,
  deps: ServerDeps,
  deploymentId: string,
  afterSeq: number,
): Response {
  return streamSSE(c, async (stream) => {
    const follower = new Follower(stream, afterSeq);
    const stop = () => follower.wake(true);
    stream.onAbort(stop);
    deps.closing.addEventListener("abort", stop, { once: true });
    const keepalive = setInterval(() => void stream.write(": keep-alive\n\n").catch(stop), KEEPALIVE_MS);
    const unsubscribe = deps.runs.subscribe(deploymentId, {
      event: (e) => follower.push(e),
      end: () => follower.wake(true),
    });
    try {
      await follower.send(await deps.store.listEvents(deploymentId, afterSeq));
      if (unsubscribe) await follower.followLive();
      else await follower.poll(deps, deploymentId);
      // Whatever was committed between the last live event and the end.
      if (!follower.aborted) await follower.send(await deps.store.listEvents(deploymentId, follower.last));
      const final = await deps.store.getDeployment(deploymentId);
      if (!follower.aborted && final && isOver(final)) {
        await stream.writeSSE({ event: "end", data: JSON.stringify(final) });
      }
    } finally {
      clearInterval(keepalive);
      unsubscribe?.();
      deps.closing.removeEventListener("abort", stop);
    }
  });
}

function isOver(d: Deployment): boolean {
  return d.outcome !== undefined || d.state === "interrupted";
}

class Follower {
  last: number;
  aborted = false;
  private ended = false;
  private queue: StepEvent[] = [];
  private waiter: (() => void) | undefined;

  constructor(
    private readonly stream: SSEStreamingApi,
    afterSeq: number,
  ) {
    this.last = afterSeq;
  }

  push(event: StepEvent): void {
    this.queue.push(event);
    this.wake(false);
  }

  /** `end`: the run finished, the client left or the server is closing. */
  wake(end: boolean): void {
    if (end) this.ended = true;
    if (end && this.stream.aborted) this.aborted = true;
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  async send(events: readonly StepEvent[]): Promise<void> {
    for (const e of events) {
      if (e.seq <= this.last || this.stream.aborted) continue;
      await this.stream.writeSSE({ id: String(e.seq), data: JSON.stringify(e) });
      this.last = e.seq;
    }
    if (this.stream.aborted) this.aborted = true;
  }

  async followLive(): Promise<void> {
    for (;;) {
      const batch = this.queue;
      this.queue = [];
      await this.send(batch);
      if (this.ended || this.aborted) return;
      if (this.queue.length === 0) await this.sleep();
    }
  }

  async poll(deps: ServerDeps, deploymentId: string): Promise<void> {
    for (;;) {
      const d = await deps.store.getDeployment(deploymentId);
      if (d === undefined || isOver(d) || this.ended || this.aborted) return;
      await this.sleep(deps.pollMs);
      await this.send(await deps.store.listEvents(deploymentId, this.last));
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
