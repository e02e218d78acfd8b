/**
 * Mutual exclusion per key, first come first served. `run` joins the key's
 * queue synchronously, so two callers that call it in order run in that
 * order — the conditional-write path relies on it: timestamps are drawn, in
 * increasing order, just before joining the queue, so writes to one
 * partition are applied in timestamp order.
 *
 * Bounded by its callers: at most one waiter per request in flight.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Keys with a holder or waiters now (for tests). */
  get size(): number {
    return this.tails.size;
  }

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => held);
    this.tails.set(key, tail);
    return previous.then(async () => {
      try {
        return await work();
      } finally {
        release();
        if (this.tails.get(key) === tail) this.tails.delete(key);
      }
    });
  }
}
