/**
 * Phi-accrual failure detection (Hayashibara et al.), as Cassandra does it.
 * For each endpoint, the intervals between heartbeat arrivals — a heartbeat
 * "arrives" when gossip brings a newer heartbeat version of it — are kept in a
 * bounded window. Assuming exponentially distributed intervals with the
 * window's mean, the suspicion that the endpoint is down after `Δt` without a
 * heartbeat is
 *
 *   phi = -log10(P(interval > Δt)) = Δt / mean × log10(e)
 *
 * so phi 8 (the default threshold) is reached after about 18.4 mean intervals.
 * Times are monotonic milliseconds from the injected clock.
 *
 * Bounded: `windowSize` intervals per endpoint (stored lazily, so a short-lived
 * endpoint costs only what it used), and intervals above `maxIntervalMs` are
 * ignored — they are pauses and partitions, not the heartbeat rhythm, and
 * would make a later real failure take ever longer to detect.
 */
import { invalidArgument } from './errors.js';

/** log10(e): turns Δt/mean (a natural-log suspicion) into phi. */
export const PHI_FACTOR = Math.LOG10E;

export interface FailureDetectorOptions {
  /** Intervals kept per endpoint (Cassandra: 1000). */
  readonly windowSize: number;
  /** The interval assumed for an endpoint's first heartbeat, before any was measured (Cassandra: 2 gossip rounds). */
  readonly initialIntervalMs: number;
  /** Longer intervals are not recorded (Cassandra: 2 gossip rounds). */
  readonly maxIntervalMs: number;
}

/** The inter-arrival intervals of one endpoint: a ring buffer that grows to its capacity. */
export class ArrivalWindow {
  private readonly intervals: number[] = [];
  private next = 0;
  private sum = 0;
  private lastArrivalMs: number | undefined;

  constructor(
    private readonly capacity: number,
    private readonly maxIntervalMs: number,
  ) {}

  /** Records a heartbeat arrival at `nowMs`; the first arrival records `initialIntervalMs` instead. */
  add(nowMs: number, initialIntervalMs: number): void {
    if (this.lastArrivalMs === undefined) {
      this.push(initialIntervalMs);
    } else {
      const intervalMs = nowMs - this.lastArrivalMs;
      if (intervalMs >= 0 && intervalMs <= this.maxIntervalMs) this.push(intervalMs);
    }
    this.lastArrivalMs = nowMs;
  }

  get size(): number {
    return this.intervals.length;
  }

  meanMs(): number {
    return this.intervals.length === 0 ? 0 : this.sum / this.intervals.length;
  }

  /** Phi at `nowMs`; 0 before the first arrival. */
  phi(nowMs: number): number {
    const mean = this.meanMs();
    if (this.lastArrivalMs === undefined || !(mean > 0)) return 0;
    return (Math.max(0, nowMs - this.lastArrivalMs) / mean) * PHI_FACTOR;
  }

  private push(intervalMs: number): void {
    if (this.intervals.length < this.capacity) {
      this.intervals.push(intervalMs);
      this.sum += intervalMs;
      return;
    }
    this.sum += intervalMs - this.intervals[this.next]!;
    this.intervals[this.next] = intervalMs;
    this.next = (this.next + 1) % this.capacity;
    // Re-add from scratch once per lap, so rounding errors in the running sum cannot accumulate.
    if (this.next === 0) this.sum = this.intervals.reduce((a, b) => a + b, 0);
  }
}

export class PhiAccrualFailureDetector {
  private readonly windows = new Map<string, ArrivalWindow>();

  constructor(private readonly options: FailureDetectorOptions) {
    const { windowSize, initialIntervalMs, maxIntervalMs } = options;
    if (!Number.isSafeInteger(windowSize) || windowSize < 1) {
      throw invalidArgument(`failure detector window must be a positive integer, got ${windowSize}`);
    }
    if (!(initialIntervalMs > 0) || !(maxIntervalMs > 0)) {
      throw invalidArgument('failure detector intervals must be positive');
    }
  }

  /** A heartbeat of `endpoint` arrived at `nowMs`. */
  report(endpoint: string, nowMs: number): void {
    let window = this.windows.get(endpoint);
    if (window === undefined) {
      window = new ArrivalWindow(this.options.windowSize, this.options.maxIntervalMs);
      this.windows.set(endpoint, window);
    }
    window.add(nowMs, this.options.initialIntervalMs);
  }

  /** The suspicion that `endpoint` is down; 0 if nothing was ever reported. */
  phi(endpoint: string, nowMs: number): number {
    return this.windows.get(endpoint)?.phi(nowMs) ?? 0;
  }

  /** Mean inter-arrival interval of `endpoint`, or undefined if nothing was reported. */
  meanIntervalMs(endpoint: string): number | undefined {
    return this.windows.get(endpoint)?.meanMs();
  }

  /** Forgets `endpoint` (a new generation starts a fresh window; a removed endpoint needs none). */
  remove(endpoint: string): void {
    this.windows.delete(endpoint);
  }
}
