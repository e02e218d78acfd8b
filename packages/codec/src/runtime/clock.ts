/**
 * Time, injected. Production uses {@link systemClock}; simulations use
 * {@link ManualClock} and advance it explicitly.
 *
 * Timestamps are microseconds since the Unix epoch held in a `number`: they
 * stay exact integers (below 2^53) until the year 2255, and a `number` costs
 * no allocation on hot paths where a `bigint` would. Conversions live here.
 */
export interface Clock {
  /** Wall-clock time in microseconds since the Unix epoch (an integer). */
  nowMicros(): number;
  /** Monotonic time in milliseconds (fractional), for durations and timeouts only. */
  monotonicMs(): number;
}

const MICROS_PER_MS = 1000;

export function millisToMicros(ms: number): number {
  return Math.trunc(ms) * MICROS_PER_MS;
}

export function microsToMillis(micros: number): number {
  return Math.floor(micros / MICROS_PER_MS);
}

/**
 * The real clock. `nowMicros` combines the wall clock at start-up with the
 * high-resolution monotonic clock, so successive readings never go backwards
 * within one process, and have microsecond resolution.
 */
export function systemClock(): Clock {
  const originWallMs = Date.now();
  const originMonoMs = performance.now();
  let lastMicros = 0;
  return {
    nowMicros(): number {
      const micros = Math.floor((originWallMs + (performance.now() - originMonoMs)) * MICROS_PER_MS);
      lastMicros = Math.max(micros, lastMicros);
      return lastMicros;
    },
    monotonicMs(): number {
      return performance.now();
    },
  };
}

/** A clock that moves only when told to. Both readings advance together. */
export class ManualClock implements Clock {
  private micros: number;
  private monoMs = 0;

  constructor(startMicros = 1_700_000_000_000_000) {
    this.micros = startMicros;
  }

  nowMicros(): number {
    return this.micros;
  }

  monotonicMs(): number {
    return this.monoMs;
  }

  advanceMs(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`cannot move a clock backwards (${ms} ms)`);
    this.monoMs += ms;
    this.micros += Math.round(ms * MICROS_PER_MS);
  }
}
