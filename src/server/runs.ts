/**
 * Deployments running in the background of this server process. A request
 * starts one and gets its id as soon as it is recorded (lock taken, revision
 * and deployment rows written); failures before that point (a held lock,
 * nothing deployed) reject the request instead. Step events reach SSE
 * subscribers after they are committed, with their sequence numbers, so a
 * live stream and a replay from the store are the same stream.
 */
import type { EngineEvent } from "../engine/events.js";
import type { DeploymentView as Deployment } from "../service/types.js";
import type { StateStore, StepEvent } from "../state/types.js";
import { HttpError } from "./errors.js";

export interface RunContext {
  readonly signal: AbortSignal;
  readonly onStart: (deployment: Deployment) => void;
  readonly onEvent: (event: EngineEvent) => void;
}

/** Runs one change; resolves with its finished deployment. */
export type RunFn = (ctx: RunContext) => Promise<Deployment>;

export interface RunListener {
  readonly event: (event: StepEvent) => void;
  /** The run ended (its outcome is recorded, or it failed to record one). */
  readonly end: () => void;
}

export interface RunHooks {
  readonly onEngineEvent?: (event: EngineEvent) => void;
  readonly onFinished?: (deployment: Deployment) => void;
  readonly onDepth?: (depth: number) => void;
  readonly onError?: (message: string, error: unknown) => void;
}

export interface ShutdownReport {
  /** Runs that ended within the grace period. */
  readonly finished: number;
  /** Runs that were cancelled when the grace period ran out. */
  readonly cancelled: number;
}

interface Run {
  readonly controller: AbortController;
  readonly done: Promise<void>;
  readonly listeners: Set<RunListener>;
}

/** How many deployments run at once, and how many may wait for a slot. @default no bound */
export interface RunLimits {
  readonly maxConcurrent: number;
  readonly maxQueued: number;
}

/** A deployment let in: running now (position 0) or waiting at `position` (1 = next). */
export interface Admission {
  readonly position: number;
  /** Resolves with the recorded deployment once it starts; rejects when it fails before that. */
  readonly recorded: Promise<Deployment>;
}

interface Waiting {
  readonly fn: RunFn;
  readonly resolve: (d: Deployment) => void;
  readonly reject: (error: unknown) => void;
}

/** Seconds a refused caller is told to wait: about one short deployment. */
const QUEUE_RETRY_SECONDS = 10;

export class Runs {
  private readonly runs = new Map<string, Run>();
  private readonly waiting: Waiting[] = [];
  /** Runs holding a slot: started, recorded or not, and not yet finished. */
  private active = 0;
  private closed = false;

  constructor(
    private readonly hooks: RunHooks = {},
    private readonly limits: RunLimits = { maxConcurrent: Number.POSITIVE_INFINITY, maxQueued: 0 },
  ) {}

  /** Deployments waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Lets a deployment in: it starts when a slot is free, else it waits in order; when the wait
   * list is full too, it is refused with 429 and Retry-After. Nothing is recorded for a refusal.
   */
  admit(fn: RunFn): Admission {
    if (this.closed) return { position: 0, recorded: this.start(fn) };
    if (this.active < this.limits.maxConcurrent) return { position: 0, recorded: this.start(fn) };
    if (this.waiting.length >= this.limits.maxQueued) {
      throw new HttpError(
        429,
        "DEPLOYMENTS_BUSY",
        `${this.active} deployments are running and ${this.waiting.length} are waiting, the most this server takes (server.maxConcurrentDeployments ${this.limits.maxConcurrent}, server.maxQueuedDeployments ${this.limits.maxQueued})`,
        {
          hint: `retry after ${QUEUE_RETRY_SECONDS} s`,
          headers: { "Retry-After": String(QUEUE_RETRY_SECONDS) },
        },
      );
    }
    const recorded = new Promise<Deployment>((resolve, reject) => this.waiting.push({ fn, resolve, reject }));
    // A waiting deployment that fails before it is recorded has no one listening but the caller's catch.
    recorded.catch(() => {});
    return { position: this.waiting.length, recorded };
  }

  private next(): void {
    while (this.active < this.limits.maxConcurrent && this.waiting.length > 0 && !this.closed) {
      const w = this.waiting.shift();
      if (w) this.start(w.fn).then(w.resolve, w.reject);
    }
  }

  get accepting(): boolean {
    return !this.closed;
  }

  get size(): number {
    return this.runs.size;
  }

  isRunning(id: string): boolean {
    return this.runs.has(id);
  }

  /** Resolves with the recorded deployment; rejects when the run fails before it is recorded. */
  start(fn: RunFn): Promise<Deployment> {
    if (this.closed) {
      return Promise.reject(
        new HttpError(503, "SHUTTING_DOWN", "the server is shutting down and accepts no new deployments", {
          hint: "retry against another server, or after the restart",
        }),
      );
    }
    const controller = new AbortController();
    this.active++;
    return new Promise<Deployment>((resolve, reject) => {
      let started: Deployment | undefined;
      const listeners = new Set<RunListener>();
      const onStart = (deployment: Deployment) => {
        started = deployment;
        this.runs.set(deployment.id, { controller, done, listeners });
        this.hooks.onDepth?.(this.runs.size);
        resolve(deployment);
      };
      const onEvent = (event: EngineEvent) => this.hooks.onEngineEvent?.(event);
      const cleanup = () => {
        this.active--;
        this.next();
        if (started === undefined) return;
        this.runs.delete(started.id);
        this.hooks.onDepth?.(this.runs.size);
        for (const l of listeners) l.end();
      };
      const done: Promise<void> = fn({ signal: controller.signal, onStart, onEvent })
        .then(
          (deployment) => this.hooks.onFinished?.(deployment),
          (error: unknown) => {
            if (started === undefined) reject(error);
            else this.hooks.onError?.(`deployment ${started.id} failed to record its outcome`, error);
          },
        )
        .finally(cleanup);
    });
  }

  /** Live events of a run in this process; the returned function unsubscribes. Undefined when it is not running here. */
  subscribe(id: string, listener: RunListener): (() => void) | undefined {
    const run = this.runs.get(id);
    if (run === undefined) return undefined;
    run.listeners.add(listener);
    return () => run.listeners.delete(listener);
  }

  /** Called with every batch the store committed. */
  publish(events: readonly StepEvent[]): void {
    for (const e of events) {
      const run = this.runs.get(e.deploymentId);
      if (run) for (const l of run.listeners) l.event(e);
    }
  }

  /** Resolves when nothing runs (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.runs.size > 0) await Promise.all([...this.runs.values()].map((r) => r.done));
  }

  /**
   * Stops accepting, lets running deployments finish for up to `graceMs`, then
   * cancels the rest (steps in flight are aborted and recorded as cancelled)
   * and waits up to `cancelMs` for them to record it. A run that still has not
   * ended is left to the lock: once this process exits, status reports it as
   * interrupted.
   */
  async shutdown(graceMs: number, cancelMs = 10_000): Promise<ShutdownReport> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) {
      w.reject(
        new HttpError(503, "SHUTTING_DOWN", "the server shut down before this deployment left the wait list"),
      );
    }
    const before = this.runs.size;
    await waitFor(this.idle(), graceMs);
    const cancelled = this.runs.size;
    for (const run of this.runs.values()) run.controller.abort(new Error("the server is shutting down"));
    if (cancelled > 0) await waitFor(this.idle(), cancelMs);
    return { finished: before - cancelled, cancelled };
  }
}

async function waitFor(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([promise, timeout]);
  clearTimeout(timer);
}

/** The store the server's deployments write through: every committed event batch is also published. */
export function publishingStore(store: StateStore, runs: Runs): StateStore {
  return {
    ...store,
    appendEvents: async (events) => {
      const stored = await store.appendEvents(events);
      runs.publish(stored);
      return stored;
    },
    appendEvent: async (event) => {
      const stored = await store.appendEvent(event);
      runs.publish([stored]);
      return stored;
    },
  };
}
