/**
 * SIGINT/SIGTERM cancel the work in progress: steps in flight finish or abort
 * and are recorded as cancelled. A second signal exits at once.
 */
import type { CliIo } from "./io.js";

export async function withInterrupts<T>(io: CliIo, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let count = 0;
  const onSignal = (name: NodeJS.Signals) => {
    count++;
    if (count > 1) process.exit(130);
    io.stderr(`\n${name}: cancelling; steps in flight are finishing (press Ctrl-C again to quit at once)\n`);
    controller.abort(new Error(`cancelled by ${name}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await fn(controller.signal);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
