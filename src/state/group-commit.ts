/**
 * Group commit: calls that arrive while a transaction is being written wait and
 * then go together in the next one. Each call still resolves only after the
 * commit that holds its item, so nothing is acknowledged before it is durable;
 * but 64 parallel appenders cost a handful of transactions instead of 64.
 */

interface Pending<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Wraps `flush` (which stores a list in one transaction, all or nothing, and
 * returns one result per item in order). When a group fails, its items are
 * retried one by one, so one bad item fails alone.
 */
export function groupCommit<T, R>(
  flush: (items: T[]) => Promise<R[]>,
  maxGroup = 1000,
): (item: T) => Promise<R> {
  let pending: Pending<T, R>[] = [];
  let running = false;

  const settle = async (group: Pending<T, R>[]): Promise<void> => {
    try {
      const results = await flush(group.map((p) => p.item));
      for (const [i, p] of group.entries()) {
        const result = results[i];
        if (result === undefined) p.reject(new Error(`group commit: no result for item ${i}`));
        else p.resolve(result);
      }
    } catch (error) {
      if (group.length === 1) {
        group[0]?.reject(error);
        return;
      }
      for (const p of group) await settle([p]);
    }
  };

  const drain = async (): Promise<void> => {
    running = true;
    // Let the calls made in the same tick join the first group.
    await Promise.resolve();
    while (pending.length > 0) {
      const group = pending.slice(0, maxGroup);
      pending = pending.slice(group.length);
      await settle(group);
    }
    running = false;
  };

  return (item) =>
    new Promise<R>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      if (!running) void drain();
    });
}
