import { ErrorCodes, isRingtailError } from '@ringtail/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArrivalWindow, normalPhi, PhiAccrualFailureDetector } from '../src/index.js';

const options = {
  windowSize: 1000,
  initialIntervalMs: 2000,
  maxIntervalMs: 2000,
  minStdDeviationMs: 500,
  acceptablePauseMs: 3000,
};

/** P(N(0,1) > y), by a slow numeric integration: the reference for the approximation. */
function normalTail(y: number): number {
  let sum = 0;
  const step = 1e-4;
  for (let x = y; x < y + 40; x += step) sum += Math.exp(-(x * x) / 2) * step;
  return sum / Math.sqrt(2 * Math.PI);
}

describe('normalPhi', () => {
  it('is -log10 of the normal tail, close to it, and increasing', () => {
    // The logistic approximation is close near the mean and drifts in the far tail (0.24 at 4 σ), staying monotone.
    for (const y of [-3, -1, 0, 0.5, 1, 2, 3, 4]) {
      expect(Math.abs(normalPhi(y, 0, 1) + Math.log10(normalTail(y)))).toBeLessThan(0.3);
    }
    expect(normalPhi(0, 0, 1)).toBeCloseTo(Math.log10(2), 12);
    let last = -1;
    for (let x = -5000; x <= 20_000; x += 10) {
      const phi = normalPhi(x, 1000, 500);
      expect(phi).toBeGreaterThanOrEqual(last);
      last = phi;
    }
    expect(last).toBe(Number.POSITIVE_INFINITY); // far past the mean: the tail underflows, certainly down
  });
});

describe('PhiAccrualFailureDetector', () => {
  it('computes phi from the mean and (floored) deviation of the recorded intervals, plus the pause', () => {
    const fd = new PhiAccrualFailureDetector(options);
    fd.report('a:1', 0); // records the initial 2000 ms
    for (let t = 1000; t <= 9000; t += 1000) fd.report('a:1', t); // nine intervals of 1000 ms
    const mean = (2000 + 9 * 1000) / 10;
    expect(fd.meanIntervalMs('a:1')).toBe(mean);
    const sd = Math.sqrt((2000 * 2000 + 9 * 1000 * 1000) / 10 - mean * mean); // 300: below the 500 floor
    expect(sd).toBeCloseTo(300, 9);
    expect(fd.phi('a:1', 9000 + 1100)).toBeCloseTo(normalPhi(1100, mean + 3000, 500), 12);
    expect(fd.phi('a:1', 9000)).toBeLessThan(0.01);
  });

  it('crosses the default threshold 8 about 5.2 deviations past mean + pause: ~6.6 s for 1 s heartbeats', () => {
    const fd = new PhiAccrualFailureDetector({ ...options, windowSize: 10 });
    for (let t = 0; t <= 20_000; t += 1000) fd.report('a:1', t);
    expect(fd.meanIntervalMs('a:1')).toBe(1000); // the initial 2000 has left the 10-interval window
    let crossingMs = 0;
    while (fd.phi('a:1', 20_000 + crossingMs) <= 8) crossingMs += 10;
    expect(crossingMs).toBeGreaterThan(6000);
    expect(crossingMs).toBeLessThan(7000);
    // Heartbeats that kept their rhythm give phi near 0 a second after the last one.
    expect(fd.phi('a:1', 21_000)).toBeLessThan(0.1);
  });

  it('ignores intervals above the maximum (pauses, partitions) but restarts the clock', () => {
    const fd = new PhiAccrualFailureDetector(options);
    fd.report('a:1', 0);
    fd.report('a:1', 1000);
    fd.report('a:1', 61_000); // a 60 s gap: not an interval of the heartbeat rhythm
    expect(fd.meanIntervalMs('a:1')).toBe(1500);
    expect(fd.phi('a:1', 61_000)).toBeLessThan(1e-6);
  });

  it('answers 0 for an endpoint it never heard of, and forgets on remove', () => {
    const fd = new PhiAccrualFailureDetector(options);
    expect(fd.phi('x:1', 1e9)).toBe(0);
    fd.report('x:1', 0);
    expect(fd.phi('x:1', 100_000)).toBeGreaterThan(8);
    fd.remove('x:1');
    expect(fd.phi('x:1', 100_000)).toBe(0);
    expect(fd.meanIntervalMs('x:1')).toBeUndefined();
  });

  it('rejects nonsensical options', () => {
    for (const bad of [
      { windowSize: 0 },
      { windowSize: 1.5 },
      { initialIntervalMs: 0 },
      { maxIntervalMs: -1 },
      { minStdDeviationMs: 0 },
      { acceptablePauseMs: -1 },
    ]) {
      let error: unknown;
      try {
        new PhiAccrualFailureDetector({ ...options, ...bad });
      } catch (e) {
        error = e;
      }
      expect(isRingtailError(error, ErrorCodes.INVALID_ARGUMENT)).toBe(true);
    }
  });

  it('keeps the mean and deviation of the last `capacity` accepted intervals (model check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 200 }),
        (capacity, gaps) => {
          const window = new ArrivalWindow(capacity, 2000);
          const model: number[] = [];
          let t = 0;
          window.add(t, 1500);
          model.push(1500);
          for (const gap of gaps) {
            t += gap;
            window.add(t, 1500);
            if (gap <= 2000) model.push(gap);
          }
          const kept = model.slice(-capacity);
          expect(window.size).toBe(kept.length);
          const mean = kept.reduce((a, b) => a + b, 0) / kept.length;
          expect(window.meanMs()).toBeCloseTo(mean, 6);
          const variance = kept.reduce((a, b) => a + (b - mean) ** 2, 0) / kept.length;
          expect(window.stdDeviationMs()).toBeCloseTo(Math.sqrt(variance), 3);
        },
      ),
    );
  });
});
