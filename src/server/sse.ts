/**
 * GET /v1/deployments/{id}/events as Server-Sent Events: the stored events
 * after Last-Event-ID (the event seq) first, then live ones as they are
 * committed, then an `end` event with the deployment's final record. Each
 * step event is one `message` with `id: <seq>`.
 *
 * Live events come from the run itself when it runs in this process; from the
 * event hub (commit notices over Postgres LISTEN/NOTIFY) when it runs in
 * another process sharing a Postgres store; else (SQLite files shared by
 * several processes) from polling the store every `pollMs`.
 */
import { streamSSE } from "hono/streaming";
import type { AppContext, ServerDeps } from "./context.js";
import { type HubSubscriber, isOver } from "./event-hub.js";
import { Follower } from "./follower.js";

const KEEPALIVE_MS = 15_000;

/**
 * A deployment still in the queue (role api): resolves once a worker recorded it (undefined), or
 * with the record to end the stream with when it ended without running (refused, unchanged...).
 */
export type AwaitStart = (gone: () => boolean) => Promise<unknown>;

export function eventStream(
  c: AppContext,
  deps: ServerDeps,
  deploymentId: string,
  afterSeq: number,
  awaitStart?: AwaitStart,
): Response {
  return streamSSE(c, async (stream) => {
    const follower = new Follower(stream, afterSeq, (after) => deps.store.listEvents(deploymentId, after));
    const stop = () => follower.wake(true);
    stream.onAbort(stop);
    deps.closing.addEventListener("abort", stop, { once: true });
    const keepalive = setInterval(() => void follower.keepalive().catch(stop), KEEPALIVE_MS);
    const subscriber: HubSubscriber = {
      events: (batch) => follower.push(batch),
      end: (final) => follower.end(final),
    };
    // Subscribe before the replay, so nothing committed in between is missed.
    const unsubscribe =
      deps.runs.subscribe(deploymentId, {
        event: (e) => follower.push([e]),
        end: () => follower.end(),
      }) ?? deps.hub?.follow(deploymentId, subscriber);
    try {
      if (awaitStart) {
        const ended = await awaitStart(() => stream.aborted || deps.closing.aborted);
        if (ended !== undefined && !stream.aborted) {
          await stream.writeSSE({ event: "end", data: JSON.stringify(ended) });
          return;
        }
      }
      await follower.catchUp();
      if (unsubscribe) await follower.followLive();
      else
        await follower.poll(deps.pollMs, async () => {
          const d = await deps.store.getDeployment(deploymentId);
          return d === undefined || isOver(d);
        });
      if (follower.aborted) return;
      // Whatever was committed between the last live event and the end.
      if (follower.final === undefined || follower.final.eventCount > follower.last) await follower.catchUp();
      const final = follower.final ?? (await deps.store.getDeployment(deploymentId));
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
