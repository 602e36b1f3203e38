/**
 * Persists engine events in order without making the engine wait on the
 * store for each one: events queue up and are written in one transaction per
 * flush, a flush starting as soon as the previous one committed. flush()
 * resolves when everything recorded so far is durable.
 */
import type { StateStore, StepEventInput } from "../state/types.js";
import type { EngineEvent } from "./events.js";

function toStepEvent(deploymentId: string, event: EngineEvent): StepEventInput {
  const { type, at, ...data } = event;
  const step = "stepId" in event ? event.stepId : undefined;
  const message =
    event.type === "step-failed" || event.type === "step-retrying"
      ? event.error.message
      : event.type === "step-log"
        ? event.message
        : event.type === "step-skipped" || event.type === "step-cancelled" || event.type === "lock-lost"
          ? event.reason
          : undefined;
  return {
    deploymentId,
    type,
    ...(step !== undefined ? { step } : {}),
    ...(message !== undefined ? { message } : {}),
    data,
    at: new Date(at),
  };
}

export class EventRecorder {
  private queue: StepEventInput[] = [];
  private writing: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly store: StateStore,
    private readonly deploymentId: string,
  ) {}

  record(event: EngineEvent): void {
    this.queue.push(toStepEvent(this.deploymentId, event));
    if (this.queue.length === 1) this.writing = this.writing.then(() => this.drain());
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        await this.store.appendEvents(batch);
      } catch (error) {
        this.failure ??= error;
      }
    }
  }

  /** Resolves when every recorded event is committed; rethrows the first write failure. */
  async flush(): Promise<void> {
    await this.writing;
    if (this.queue.length > 0) await this.drain();
    if (this.failure !== undefined) throw this.failure;
  }
}
