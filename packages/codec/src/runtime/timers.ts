import type { ManualClock } from './clock.js';

/**
 * Timers, injected. Production uses {@link systemTimers}; simulations use
 * {@link ManualTimers}, which fire only when the simulated clock is advanced.
 *
 * Contract: a timer that has been cancelled never fires, and no timer keeps the
 * process alive unless it was created with `{ keepAlive: true }` — so an object
 * that forgets to clear a timer cannot hold the process open after `close()`.
 */
export interface TimerHandle {
  cancel(): void;
}

export interface TimerOptions {
  /** Keep the Node.js event loop alive while this timer is pending. Default false. */
  keepAlive?: boolean;
}

export interface Timers {
  setTimeout(callback: () => void, delayMs: number, options?: TimerOptions): TimerHandle;
  setInterval(callback: () => void, periodMs: number, options?: TimerOptions): TimerHandle;
}

export function systemTimers(): Timers {
  return {
    setTimeout(callback, delayMs, options) {
      const t = setTimeout(callback, delayMs);
      if (options?.keepAlive !== true) t.unref();
      return { cancel: () => clearTimeout(t) };
    },
    setInterval(callback, periodMs, options) {
      const t = setInterval(callback, periodMs);
      if (options?.keepAlive !== true) t.unref();
      return { cancel: () => clearInterval(t) };
    },
  };
}

interface PendingTimer {
  readonly id: number;
  dueMs: number;
  readonly periodMs: number | undefined;
  readonly callback: () => void;
  cancelled: boolean;
}

/**
 * Deterministic timers over a {@link ManualClock}. `advance(ms)` moves the clock
 * forward, firing due timers in (due time, creation order) order, with the clock
 * set to each timer's due time as it fires.
 */
export class ManualTimers implements Timers {
  private readonly pending: PendingTimer[] = [];
  private nextId = 0;

  constructor(private readonly clock: ManualClock) {}

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return this.add(callback, delayMs, undefined);
  }

  setInterval(callback: () => void, periodMs: number): TimerHandle {
    if (!(periodMs > 0)) throw new RangeError(`interval period must be positive, got ${periodMs}`);
    return this.add(callback, periodMs, periodMs);
  }

  /** Number of timers that have not fired (or, for intervals, not been cancelled). */
  get pendingCount(): number {
    return this.pending.filter((t) => !t.cancelled).length;
  }

  /** Advances the clock by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const endMs = this.clock.monotonicMs() + ms;
    for (;;) {
      const next = this.earliest();
      if (next === undefined || next.dueMs > endMs) break;
      const stepMs = next.dueMs - this.clock.monotonicMs();
      if (stepMs > 0) this.clock.advanceMs(stepMs);
      if (next.periodMs === undefined) {
        next.cancelled = true;
        this.remove(next);
      } else {
        next.dueMs += next.periodMs;
      }
      next.callback();
    }
    const restMs = endMs - this.clock.monotonicMs();
    if (restMs > 0) this.clock.advanceMs(restMs);
  }

  private add(callback: () => void, delayMs: number, periodMs: number | undefined): TimerHandle {
    const timer: PendingTimer = {
      id: this.nextId++,
      dueMs: this.clock.monotonicMs() + Math.max(0, delayMs),
      periodMs,
      callback,
      cancelled: false,
    };
    this.pending.push(timer);
    return {
      cancel: () => {
        if (!timer.cancelled) {
          timer.cancelled = true;
          this.remove(timer);
        }
      },
    };
  }

  private earliest(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.pending) {
      if (best === undefined || t.dueMs < best.dueMs || (t.dueMs === best.dueMs && t.id < best.id)) best = t;
    }
    return best;
  }

  private remove(timer: PendingTimer): void {
    const i = this.pending.indexOf(timer);
    if (i >= 0) this.pending.splice(i, 1);
  }
}
