import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_TOKEN, RING_SIZE, rangeContains, rangeFraction, ringDistance } from '../src/index.js';
import { midpointToken, tokenAlong } from '../src/token.js';
import { TokenIndex } from '../src/token-index.js';
import { compareTokens, testSeed, tokenArb } from './helpers.js';

/** The definition: the first token >= t, wrapping to 0. */
function naiveRangeIndex(sorted: readonly bigint[], token: bigint): number {
  if (sorted.length === 0) return -1;
  const i = sorted.findIndex((t) => t >= token);
  return Math.max(i, 0);
}

describe('TokenIndex', () => {
  it('finds the range of any token, including tokens that share a float64 approximation', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(tokenArb, { maxLength: 300 }),
        fc.array(tokenArb, { maxLength: 100 }),
        (ring, probes) => {
          const sorted = [...ring].sort(compareTokens);
          const index = new TokenIndex(sorted);
          const edges = sorted.flatMap((t) => [t - 1n, t, t + 1n]).filter((t) => t >= 0n && t <= MAX_TOKEN);
          for (const token of [...probes, ...edges, 0n, MAX_TOKEN]) {
            expect(index.rangeIndexOf(token)).toBe(naiveRangeIndex(sorted, token));
          }
        },
      ),
      { seed: testSeed('token-index'), numRuns: 300 },
    );
  });

  it('handles a dense run of adjacent tokens just below 2^64', () => {
    const sorted = Array.from({ length: 2000 }, (_, i) => MAX_TOKEN - 1999n + BigInt(i));
    const index = new TokenIndex(sorted);
    for (const token of [0n, MAX_TOKEN - 2000n, MAX_TOKEN - 1999n, MAX_TOKEN - 1000n, MAX_TOKEN]) {
      expect(index.rangeIndexOf(token)).toBe(naiveRangeIndex(sorted, token));
    }
  });

  it('is -1 on an empty ring', () => {
    expect(new TokenIndex([]).rangeIndexOf(5n)).toBe(-1);
  });
});

describe('range arithmetic', () => {
  it('measures wrapping ranges and the whole ring', () => {
    expect(ringDistance(MAX_TOKEN, 0n)).toBe(1n);
    expect(ringDistance(10n, 4n)).toBe(RING_SIZE - 6n);
    expect(rangeFraction(7n, 7n)).toBe(1);
    expect(rangeFraction(0n, 1n << 63n)).toBe(0.5);
    expect(rangeFraction(1n << 63n, 0n)).toBe(0.5);
  });

  it('contains the end but not the start, wrapping at 2^64', () => {
    expect(rangeContains(10n, 20n, 10n)).toBe(false);
    expect(rangeContains(10n, 20n, 20n)).toBe(true);
    expect(rangeContains(MAX_TOKEN - 1n, 3n, 0n)).toBe(true);
    expect(rangeContains(MAX_TOKEN - 1n, 3n, MAX_TOKEN)).toBe(true);
    expect(rangeContains(MAX_TOKEN - 1n, 3n, 4n)).toBe(false);
    expect(rangeContains(5n, 5n, 123n)).toBe(true);
  });

  it('splits a range strictly inside it', () => {
    fc.assert(
      fc.property(tokenArb, tokenArb, fc.double({ min: 0.01, max: 0.99, noNaN: true }), (start, end, fraction) => {
        fc.pre(start === end || ringDistance(start, end) >= 1000n);
        for (const t of [midpointToken(start, end), tokenAlong(start, end, fraction)]) {
          expect(t).not.toBe(start);
          expect(t).not.toBe(end);
          expect(rangeContains(start, end, t)).toBe(true);
        }
      }),
      { seed: testSeed('range-split') },
    );
  });
});
