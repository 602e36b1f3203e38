/**
 * Deployments running in the background of this server process. A request
 * starts one and gets its id as soon as it is recorded (lock taken, revision
 * and deployment rows written); failures before that point (a held lock,
 * nothing deployed) reject the request instead. Step events reach SSE
 * subscribers after they are committed, with their sequence numbers, so a
 * live stream and a replay from the store are the same stream.
 */
import type { DeployOutcome } from "../engine/deploy.js";
import type { EngineEvent } from "../engine/events.js";
import type { Deployment, StateStore, StepEvent } from "../state/types.js";
import { HttpError } from "./errors.js";

export interface RunContext {
  readonly signal: AbortSignal;
  readonly onStart: (deployment: Deployment) => void;
  readonly onEvent: (event: EngineEvent) => void;
}

export type RunFn = (ctx: RunContext) => Promise<DeployOutcome>;

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

export class Runs {
  private readonly runs = new Map<string, Run>();
  private closed = false;

  constructor(private readonly hooks: RunHooks = {}) {}

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
        if (started === undefined) return;
        this.runs.delete(started.id);
        this.hooks.onDepth?.(this.runs.size);
        for (const l of listeners) l.end();
      };
      const done: Promise<void> = fn({ signal: controller.signal, onStart, onEvent })
        .then(
          (outcome) => this.hooks.onFinished?.(outcome.deployment),
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
