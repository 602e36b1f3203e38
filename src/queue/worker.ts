/**
 * A worker's half of the queue: claim jobs (up to `concurrency` at once), hold
 * a lease on each and renew it at a third of its length, run it, record how it
 * ended. Every loop also reaps: a job whose lease ran out (its worker was
 * killed, or lost the database) is recorded as interrupted, its lock freed,
 * and retried as a new deployment in the same place in line, up to
 * `maxAttempts` attempts in all. A worker that finds its own lease gone stops
 * that run at once: the job is someone else's now.
 *
 * Draining (SIGTERM): stop claiming, let runs finish for `graceMs`, cancel
 * the rest and hand them back (a new attempt is queued in their place).
 */
import type { Job, JobEnd, JobStore } from "../state/jobs.js";

/** How a run ended, as the worker records it. */
export interface JobResult {
  readonly end: JobEnd | "wait";
  readonly error?: string;
  /** The deployment's outcome, when one was recorded. */
  readonly outcome?: string;
}

export type RunJob = (job: Job, signal: AbortSignal) => Promise<JobResult>;

export interface QueueWorkerHooks {
  readonly onClaim?: (job: Job) => void;
  readonly onEnd?: (job: Job, end: JobEnd | "handed-back" | "lease-lost" | "wait") => void;
  /** Jobs of other workers found with their lease run out. */
  readonly onReap?: (interrupted: readonly Job[], retried: readonly Job[]) => void;
  readonly onError?: (message: string, error: unknown) => void;
}

export interface QueueWorkerOptions {
  readonly jobs: JobStore;
  /** This worker's name in the job rows: host, pid and a random suffix. */
  readonly name: string;
  readonly run: RunJob;
  /** Jobs run at once by this worker. @default 4 */
  readonly concurrency?: number;
  /** Lease of a claimed job; renewed at a third of it. @default 15_000 */
  readonly leaseMs?: number;
  /** Sleep between claims when the queue had nothing free. @default 250 */
  readonly pollMs?: number;
  /** Attempts of one submitted deployment in all (interrupted or handed back ones are retried). @default 3 */
  readonly maxAttempts?: number;
  readonly hooks?: QueueWorkerHooks;
}

export interface DrainReport {
  readonly finished: number;
  readonly handedBack: number;
}

interface Active {
  readonly job: Job;
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

const DRAINED = "the worker is draining (SIGTERM)";
const LEASE_LOST = "this worker's lease on the job ran out: another worker may run it now";

export class QueueWorker {
  private readonly active = new Map<string, Active>();
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastReap = 0;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly maxAttempts: number;

  constructor(private readonly options: QueueWorkerOptions) {
    this.concurrency = options.concurrency ?? 4;
    this.leaseMs = options.leaseMs ?? 15_000;
    this.pollMs = options.pollMs ?? 250;
    this.maxAttempts = options.maxAttempts ?? 3;
  }

  /** Jobs running in this worker now. */
  get running(): number {
    return this.active.size;
  }

  /** Claiming (false once draining). */
  get claiming(): boolean {
    return this.loop !== undefined && !this.stopping;
  }

  start(): void {
    this.loop ??= this.claimLoop();
  }

  private async claimLoop(): Promise<void> {
    while (!this.stopping) {
      let claimed = false;
      try {
        await this.reapDue();
        if (this.active.size < this.concurrency) {
          const job = await this.options.jobs.claim(this.options.name, this.leaseMs);
          if (job !== undefined && !this.stopping) {
            claimed = true;
            this.begin(job);
          } else if (job !== undefined) {
            await this.options.jobs.release(job.id, this.options.name, DRAINED);
          }
        }
      } catch (error) {
        this.options.hooks?.onError?.("claiming a job failed", error);
      }
      // A job claimed: try for another at once; else sleep (woken early when a run ends).
      if (!claimed || this.active.size >= this.concurrency) await this.sleep(this.pollMs);
    }
  }

  private async reapDue(): Promise<void> {
    const now = Date.now();
    if (now - this.lastReap < this.leaseMs / 3) return;
    this.lastReap = now;
    const { interrupted, retried } = await this.options.jobs.reap(this.maxAttempts);
    if (interrupted.length > 0) this.options.hooks?.onReap?.(interrupted, retried);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private begin(job: Job): void {
    this.options.hooks?.onClaim?.(job);
    const controller = new AbortController();
    let leaseLost = false;
    const heartbeat = setInterval(() => {
      this.options.jobs.renew(job.id, this.options.name, this.leaseMs).then(
        (ours) => {
          if (ours || leaseLost) return;
          leaseLost = true;
          controller.abort(new Error(LEASE_LOST));
        },
        (error: unknown) =>
          this.options.hooks?.onError?.(`renewing the lease of job ${job.id} failed`, error),
      );
    }, this.leaseMs / 3);
    const done = this.options
      .run(job, controller.signal)
      .then(
        (result) => this.end(job, result, leaseLost),
        (error: unknown) => {
          this.options.hooks?.onError?.(`job ${job.id} failed outside its deployment`, error);
          return this.end(job, { end: "refused", error: String(error) }, leaseLost);
        },
      )
      .catch((error: unknown) => this.options.hooks?.onError?.(`recording the end of job ${job.id}`, error))
      .finally(() => {
        clearInterval(heartbeat);
        this.active.delete(job.id);
        this.wake?.();
      });
    this.active.set(job.id, { job, controller, done });
  }

  private async end(job: Job, result: JobResult, leaseLost: boolean): Promise<void> {
    const { jobs, name, hooks } = this.options;
    if (leaseLost) {
      hooks?.onEnd?.(job, "lease-lost");
      return;
    }
    const drained = this.stopping && (result.outcome === "cancelled" || result.outcome === undefined);
    if (drained && result.end !== "unchanged") {
      await jobs.handBack(job.id, name, DRAINED, this.maxAttempts);
      hooks?.onEnd?.(job, "handed-back");
      return;
    }
    if (result.end === "wait") {
      // Its app + environment is locked outside the queue (a CLI apply): back in line, same attempt.
      await jobs.release(job.id, name, result.error ?? "its app and environment are locked");
      hooks?.onEnd?.(job, "wait");
      return;
    }
    const ours = await jobs.finish(job.id, name, result.end, result.error);
    hooks?.onEnd?.(job, ours ? result.end : "lease-lost");
  }

  /**
   * Stops claiming; running jobs get `graceMs` to finish, then are cancelled (their deployments record
   * `cancelled`) and handed back; waits up to `cancelMs` for that.
   */
  async drain(graceMs: number, cancelMs = 10_000): Promise<DrainReport> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    const before = this.active.size;
    await waitFor(this.idle(), graceMs);
    const cancelled = this.active.size;
    for (const a of this.active.values()) a.controller.abort(new Error(DRAINED));
    if (cancelled > 0) await waitFor(this.idle(), cancelMs);
    return { finished: before - cancelled, handedBack: cancelled };
  }

  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.all([...this.active.values()].map((a) => a.done));
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
