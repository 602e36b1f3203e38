/**
 * Follows deployments that run in other processes, for every event stream of
 * this server at once. Per followed deployment it keeps one cursor: a commit
 * notice (or a resync, or the slow periodic check) leads to ONE store read
 * after that cursor, whose events go to every subscriber of the deployment;
 * reads of one deployment never overlap, and notices arriving during a read
 * fold into the next one (none when that read already covered them). The periodic check also notices a deployment whose
 * runner died without an outcome (interrupted: no notice ever comes).
 *
 * Delivery never waits for a subscriber: each keeps its own bounded queue
 * (sse.ts), so a slow client falls behind alone and catches up from the store.
 */
import type { CommitFeed, CommitNotice } from "../state/commit-feed.js";
import type { Deployment, StateStore, StepEvent } from "../state/types.js";

export interface HubSubscriber {
  /** Events after the hub's cursor, in seq order, without gaps between calls. */
  readonly events: (batch: readonly StepEvent[]) => void;
  /** The deployment is over (all its events were delivered before this). */
  readonly end: (final: Deployment) => void;
}

export interface EventHubOptions {
  /** How often every followed deployment is re-read without a notice. @default 5000 */
  readonly checkMs?: number;
  readonly onError?: (message: string, error: unknown) => void;
}

interface Watch {
  readonly id: string;
  readonly subscribers: Set<HubSubscriber>;
  /** Last seq delivered to the subscribers; undefined until the first read. */
  cursor: number | undefined;
  /** The highest seq a notice announced: a read is due while it is past the cursor. */
  noticed: number;
  /** Read the deployment's state too (first read, resync, periodic check, a finish notice). */
  check: boolean;
  reading: boolean;
}

export function isOver(d: Deployment): boolean {
  return d.outcome !== undefined || d.state === "interrupted";
}

export class EventHub {
  private readonly watches = new Map<string, Watch>();
  private readonly unsubscribe: () => void;
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  /** Store reads made for followers (tests and metrics). */
  reads = 0;

  constructor(
    private readonly store: StateStore,
    feed: CommitFeed,
    private readonly options: EventHubOptions = {},
  ) {
    this.unsubscribe = feed.subscribe({
      notice: (n) => this.notice(n),
      resync: () => this.checkAll(),
    });
    this.timer = setInterval(() => this.checkAll(), options.checkMs ?? 5000);
    this.timer.unref();
  }

  /** Number of deployments followed now. */
  get size(): number {
    return this.watches.size;
  }

  /** Follows a deployment; the returned function stops. */
  follow(id: string, subscriber: HubSubscriber): () => void {
    let watch = this.watches.get(id);
    if (watch === undefined) {
      watch = { id, subscribers: new Set(), cursor: undefined, noticed: 0, check: true, reading: false };
      this.watches.set(id, watch);
    }
    watch.subscribers.add(subscriber);
    // The first read finds a deployment that ended before anyone followed it.
    void this.read(watch);
    const w = watch;
    return () => {
      w.subscribers.delete(subscriber);
      if (w.subscribers.size === 0 && this.watches.get(id) === w) this.watches.delete(id);
    };
  }

  private notice(n: CommitNotice): void {
    const watch = this.watches.get(n.deploymentId);
    if (watch === undefined) return;
    watch.noticed = Math.max(watch.noticed, n.seq);
    if (n.finished) watch.check = true;
    void this.read(watch);
  }

  private checkAll(): void {
    for (const watch of this.watches.values()) {
      watch.check = true;
      void this.read(watch);
    }
  }

  /** One reader per deployment; its loop ends once no notice came during the last read. */
  private async read(watch: Watch): Promise<void> {
    if (watch.reading || this.closed) return;
    watch.reading = true;
    try {
      // Notices that arrived during a read and are covered by it cost no further read.
      while (
        (watch.check || watch.noticed > (watch.cursor ?? -1)) &&
        this.watches.get(watch.id) === watch &&
        !this.closed
      ) {
        const check = watch.check;
        watch.check = false;
        if (await this.step(watch, check)) return;
      }
    } catch (error) {
      // The periodic check retries; the subscribers keep what they have.
      this.options.onError?.(`event hub: cannot read deployment ${watch.id} from the store`, error);
    } finally {
      watch.reading = false;
    }
  }

  /** Reads and delivers; true when the deployment is over (its subscribers have their `end`). */
  private async step(watch: Watch, check: boolean): Promise<boolean> {
    const target = watch.noticed;
    // The state first: the events read after it include everything committed before the outcome.
    const state = check ? await this.store.getDeployment(watch.id) : undefined;
    if (watch.cursor === undefined) {
      // The first read starts where the store is now: each subscriber replays up to there itself.
      watch.cursor = state?.eventCount ?? 0;
    } else {
      this.reads++;
      const events = await this.store.listEvents(watch.id, watch.cursor);
      const last = events.at(-1);
      if (last !== undefined) {
        watch.cursor = last.seq;
        for (const s of [...watch.subscribers]) s.events(events);
      }
    }
    // A notice is sent on commit, so this read saw its events; one it did not reach (a foreign
    // writer's seq) must not make the loop read again and again.
    if (watch.noticed === target && watch.cursor < target) watch.noticed = watch.cursor;
    if (state === undefined || !isOver(state)) return false;
    this.watches.delete(watch.id);
    for (const s of [...watch.subscribers]) s.end(state);
    return true;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.unsubscribe();
    this.watches.clear();
  }
}
