/**
 * Phi-accrual failure detection (Hayashibara et al.). For each endpoint, the
 * intervals between heartbeat arrivals — a heartbeat "arrives" when gossip
 * brings a newer heartbeat version of it — are kept in a bounded window. The
 * suspicion that the endpoint is down after `Δt` without a heartbeat is
 *
 *   phi = -log10(P(interval > Δt))
 *
 * with intervals taken as normally distributed: mean μ of the window plus an
 * acceptable pause, standard deviation σ of the window but at least
 * `minStdDeviationMs`. So phi stays near 0 while heartbeats keep their rhythm
 * and climbs steeply once silence passes μ + pause: phi 8 (the default
 * threshold) is crossed about 5.2 σ later — with 1 s gossip rounds and the
 * defaults (σ at least 0.5 s, 3 s pause), about 6.6 s after the last
 * heartbeat: 6–8 s until both peers of a 3-node cluster convict, 9–12 s for
 * every peer of a 30-node one (simulation).
 *
 * Why not Cassandra's exponential model (phi = Δt / μ × log10(e))? It crosses
 * phi 8 only after 18.4 mean intervals, 20–40 s with 1 s rounds, however
 * regular the heartbeats were; the normal model is the paper's, and with the
 * σ floor and the pause allowance it gave no false conviction in 14 seeded
 * runs of 30 nodes × 10 minutes at 1% loss. A 2 s pause gave 5 across 6 such
 * runs; σ floors of 0.7–1 s also gave none but detect 1–3 s later.
 *
 * P(interval > x) uses the logistic approximation of the normal tail,
 * 1 / (1 + exp(y (1.5976 + 0.070566 y²))) for y = (x − μ) / σ: close to the
 * normal CDF (within ~1e-4) and, what matters here, increasing in x.
 * Times are monotonic milliseconds from the injected clock.
 *
 * Bounded: `windowSize` intervals per endpoint (stored lazily, so a short-lived
 * endpoint costs only what it used), and intervals above `maxIntervalMs` are
 * ignored — they are pauses and partitions, not the heartbeat rhythm, and
 * would make a later real failure take ever longer to detect.
 */
import { invalidArgument } from './errors.js';

export interface FailureDetectorOptions {
  /** Intervals kept per endpoint (Cassandra: 1000). */
  readonly windowSize: number;
  /** The interval assumed for an endpoint's first heartbeat, before any was measured. */
  readonly initialIntervalMs: number;
  /** Longer intervals are not recorded. */
  readonly maxIntervalMs: number;
  /** σ is never taken below this: very regular heartbeats must not make a little jitter look like death. */
  readonly minStdDeviationMs: number;
  /** Silence this much longer than the mean interval is still normal (a GC pause, a slow round). */
  readonly acceptablePauseMs: number;
}

/** -log10 of the probability that a normal(mean, sd) variable exceeds `x`. */
export function normalPhi(x: number, mean: number, sd: number): number {
  const y = (x - mean) / sd;
  const e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
  // For x above the mean, e is the tail's odds: tail = e / (1 + e). Below it, 1 − 1/(1 + e) is the accurate form.
  return x > mean ? -Math.log10(e / (1 + e)) : -Math.log10(1 - 1 / (1 + e));
}

/** The inter-arrival intervals of one endpoint: a ring buffer that grows to its capacity. */
export class ArrivalWindow {
  private readonly intervals: number[] = [];
  private next = 0;
  private sum = 0;
  private sumOfSquares = 0;
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

  /** Population standard deviation of the kept intervals. */
  stdDeviationMs(): number {
    const n = this.intervals.length;
    if (n === 0) return 0;
    const mean = this.sum / n;
    return Math.sqrt(Math.max(0, this.sumOfSquares / n - mean * mean));
  }

  /** Phi at `nowMs`; 0 before the first arrival. */
  phi(nowMs: number, minStdDeviationMs: number, acceptablePauseMs: number): number {
    if (this.lastArrivalMs === undefined || this.intervals.length === 0) return 0;
    const sinceMs = Math.max(0, nowMs - this.lastArrivalMs);
    const sd = Math.max(this.stdDeviationMs(), minStdDeviationMs);
    return normalPhi(sinceMs, this.meanMs() + acceptablePauseMs, sd);
  }

  private push(intervalMs: number): void {
    if (this.intervals.length < this.capacity) {
      this.intervals.push(intervalMs);
      this.sum += intervalMs;
      this.sumOfSquares += intervalMs * intervalMs;
      return;
    }
    const old = this.intervals[this.next]!;
    this.sum += intervalMs - old;
    this.sumOfSquares += intervalMs * intervalMs - old * old;
    this.intervals[this.next] = intervalMs;
    this.next = (this.next + 1) % this.capacity;
    // Re-add from scratch once per lap, so rounding errors in the running sums cannot accumulate.
    if (this.next === 0) {
      this.sum = 0;
      this.sumOfSquares = 0;
      for (const v of this.intervals) {
        this.sum += v;
        this.sumOfSquares += v * v;
      }
    }
  }
}

export class PhiAccrualFailureDetector {
  private readonly windows = new Map<string, ArrivalWindow>();

  constructor(private readonly options: FailureDetectorOptions) {
    const { windowSize, initialIntervalMs, maxIntervalMs, minStdDeviationMs, acceptablePauseMs } = options;
    if (!Number.isSafeInteger(windowSize) || windowSize < 1) {
      throw invalidArgument(`failure detector window must be a positive integer, got ${windowSize}`);
    }
    if (!(initialIntervalMs > 0) || !(maxIntervalMs > 0) || !(minStdDeviationMs > 0)) {
      throw invalidArgument('failure detector intervals must be positive');
    }
    if (!(acceptablePauseMs >= 0) || !Number.isFinite(acceptablePauseMs)) {
      throw invalidArgument(`acceptable pause must be a finite number >= 0, got ${acceptablePauseMs}`);
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
    const { minStdDeviationMs, acceptablePauseMs } = this.options;
    return this.windows.get(endpoint)?.phi(nowMs, minStdDeviationMs, acceptablePauseMs) ?? 0;
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
