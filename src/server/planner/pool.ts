/**
 * A small pool of plan workers: each request goes to the worker with the
 * fewest requests in flight. Workers start on first use and are unref'd (an
 * idle pool never keeps a process alive); a worker that dies fails its
 * requests and is replaced on the next one.
 */
import { Worker } from "node:worker_threads";
import { isErrorCode } from "../../core/error-codes.js";
import { CodeError } from "../../core/errors.js";
import type { RenderResult } from "../../render/types.js";
import type { PlanJson } from "../../review/index.js";
import type { Planner, PlannerSettings } from "./types.js";
import type { WorkerAnswer, WorkerError, WorkerRequest } from "./worker.js";

/** A request before it gets its id (Omit of each member of the union). */
type Unsent = WorkerRequest extends infer R ? (R extends unknown ? Omit<R, "id"> : never) : never;

type Pending = { resolve: (value: unknown) => void; reject: (error: unknown) => void };

interface Slot {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
}

/** The worker's file beside this one; under vitest (TypeScript sources) it is loaded through tsx. */
function spawn(settings: PlannerSettings): Worker {
  if (!import.meta.url.endsWith(".ts"))
    return new Worker(new URL("./worker.js", import.meta.url), { workerData: settings });
  const source = JSON.stringify(new URL("./worker.ts", import.meta.url).href);
  const boot = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${source}); })`;
  return new Worker(boot, { eval: true, workerData: settings });
}

function fromData(error: WorkerError): Error {
  if (error.code === undefined || !isErrorCode(error.code)) return new Error(error.message);
  return new CodeError(error.code, error.message, {
    ...(error.hint !== undefined ? { hint: error.hint } : {}),
    ...(error.details !== undefined ? { details: error.details } : {}),
  });
}

export function workerPlanner(settings: PlannerSettings, size = 2): Planner {
  const slots: (Slot | undefined)[] = Array.from({ length: Math.max(1, size) }, () => undefined);
  let nextId = 1;
  let closed = false;

  const start = (index: number): Slot => {
    const worker = spawn(settings);
    worker.unref();
    const slot: Slot = { worker, pending: new Map() };
    const failAll = (error: unknown) => {
      if (slots[index] === slot) slots[index] = undefined;
      for (const p of slot.pending.values()) p.reject(error);
      slot.pending.clear();
    };
    worker.on("message", (answer: WorkerAnswer | { ready: true }) => {
      if ("ready" in answer) return;
      const p = slot.pending.get(answer.id);
      if (!p) return;
      slot.pending.delete(answer.id);
      if (slot.pending.size === 0) worker.unref();
      if (answer.ok) p.resolve(answer.value);
      else p.reject(fromData(answer.error));
    });
    worker.on("error", failAll);
    worker.on("exit", (code) => failAll(new Error(`the plan worker exited with code ${code}`)));
    slots[index] = slot;
    return slot;
  };

  const pick = (): Slot => {
    let best: { slot: Slot; load: number } | undefined;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i] ?? start(i);
      if (best === undefined || slot.pending.size < best.load) best = { slot, load: slot.pending.size };
    }
    if (!best) throw new Error("the plan pool has no worker");
    return best.slot;
  };

  const call = <T>(request: Unsent): Promise<T> => {
    if (closed) return Promise.reject(new Error("the plan pool is closed"));
    const slot = pick();
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      slot.pending.set(id, { resolve: (v) => resolve(v as T), reject });
      // Keep the process alive while a request is in flight.
      slot.worker.ref();
      slot.worker.postMessage({ ...request, id });
    });
  };

  return {
    review: (spec, current) =>
      call<PlanJson>({ op: "review", spec, ...(current !== undefined ? { current } : {}) }),
    render: (spec, secrets) => call<RenderResult>({ op: "render", spec, secrets }),
    async close() {
      closed = true;
      await Promise.all(slots.map((s) => s?.worker.terminate()));
      slots.fill(undefined);
    },
  };
}
