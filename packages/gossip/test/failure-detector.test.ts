import { ErrorCodes, isRingtailError } from '@ringtail/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArrivalWindow, PHI_FACTOR, PhiAccrualFailureDetector } from '../src/index.js';

const options = { windowSize: 1000, initialIntervalMs: 2000, maxIntervalMs: 2000 };

describe('PhiAccrualFailureDetector', () => {
  it('computes phi = Δt / mean × log10(e) over the recorded intervals', () => {
    const fd = new PhiAccrualFailureDetector(options);
    fd.report('a:1', 0); // records the initial 2000 ms
    for (let t = 1000; t <= 9000; t += 1000) fd.report('a:1', t); // nine intervals of 1000 ms
    const mean = (2000 + 9 * 1000) / 10;
    expect(fd.meanIntervalMs('a:1')).toBe(mean);
    expect(fd.phi('a:1', 9000)).toBe(0);
    expect(fd.phi('a:1', 9000 + 1100)).toBeCloseTo((1100 / mean) * Math.LOG10E, 12);
    expect(PHI_FACTOR).toBeCloseTo(1 / Math.LN10, 15);
  });

  it('crosses the default threshold 8 after about 18.4 mean intervals', () => {
    const fd = new PhiAccrualFailureDetector({ ...options, windowSize: 10 });
    for (let t = 0; t <= 20_000; t += 1000) fd.report('a:1', t);
    expect(fd.meanIntervalMs('a:1')).toBe(1000); // the initial 2000 has left the 10-interval window
    const crossingMs = (8 / Math.LOG10E) * 1000;
    expect(fd.phi('a:1', 20_000 + crossingMs - 1)).toBeLessThan(8);
    expect(fd.phi('a:1', 20_000 + crossingMs + 1)).toBeGreaterThan(8);
  });

  it('ignores intervals above the maximum (pauses, partitions) but restarts the clock', () => {
    const fd = new PhiAccrualFailureDetector(options);
    fd.report('a:1', 0);
    fd.report('a:1', 1000);
    fd.report('a:1', 61_000); // a 60 s gap: not an interval of the heartbeat rhythm
    expect(fd.meanIntervalMs('a:1')).toBe(1500);
    expect(fd.phi('a:1', 61_000)).toBe(0);
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
    for (const bad of [{ windowSize: 0 }, { windowSize: 1.5 }, { initialIntervalMs: 0 }, { maxIntervalMs: -1 }]) {
      let error: unknown;
      try {
        new PhiAccrualFailureDetector({ ...options, ...bad });
      } catch (e) {
        error = e;
      }
      expect(isRingtailError(error, ErrorCodes.INVALID_ARGUMENT)).toBe(true);
    }
  });

  it('keeps the mean of the last `capacity` accepted intervals (model check)', () => {
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
          expect(window.meanMs()).toBeCloseTo(kept.reduce((a, b) => a + b, 0) / kept.length, 6);
        },
      ),
    );
  });
});
