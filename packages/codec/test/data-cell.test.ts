import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Cell, cellTombstone, expiringCell, isLiveCell, liveCell, reconcileCells } from '../src/data/cell.js';
import { canonicalCell, cellArb, SMALL_DOMAIN } from './data-arbitraries.js';

const live = (ts: number, ...value: number[]): Cell => liveCell('c', undefined, ts, Uint8Array.from(value));
/** An expiring cell written at `writtenSec` with `ttlSec`: live until writtenSec + ttlSec. */
const expiring = (ts: number, writtenSec: number, ttlSec: number, ...value: number[]): Cell =>
  expiringCell('c', undefined, ts, Uint8Array.from(value), ttlSec, writtenSec);
const tombstone = (ts: number, deletedSec: number): Cell => cellTombstone('c', undefined, ts, deletedSec);

/** [what, a, b, which wins]; each case is checked with the arguments both ways round. */
const cases: Array<[string, Cell, Cell, 'a' | 'b']> = [
  ['the later timestamp wins over a tombstone', live(2, 1), tombstone(1, 90), 'a'],
  ['a later tombstone wins over a live cell', live(1, 1), tombstone(2, 90), 'b'],
  ['the later timestamp wins between live cells, whatever the values', live(2, 1), live(1, 9), 'a'],
  ['the later timestamp wins over an expired cell', live(2, 1), expiring(1, 50, 10, 9), 'a'],
  ['same timestamp: a tombstone beats a live cell', live(1, 9), tombstone(1, 90), 'b'],
  ['same timestamp: an expiring cell beats a non-expiring one', live(1, 9), expiring(1, 99, 10, 0), 'b'],
  ['same timestamp: an expired cell beats a live one', live(1, 9), expiring(1, 80, 10, 0), 'b'],
  [
    'same timestamp: a tombstone beats an expired cell with a later local time',
    expiring(1, 95, 4, 9),
    tombstone(1, 50),
    'b',
  ],
  ['same timestamp: between tombstones the later local deletion time', tombstone(1, 50), tombstone(1, 60), 'b'],
  [
    'same timestamp: between expired cells the later local deletion time',
    expiring(1, 80, 5, 9),
    expiring(1, 80, 6, 1),
    'b',
  ],
  [
    'same timestamp: between expired cells at the same time the greater value',
    expiring(1, 80, 5, 9),
    expiring(1, 84, 1, 1),
    'a',
  ],
  ['same timestamp: between live cells the greater value', live(1, 1), live(1, 2), 'b'],
  ['values compare as unsigned bytes', live(1, 0x7f), live(1, 0x80), 'b'],
  ['values compare bytewise before length', live(1, 2), live(1, 1, 0xff), 'a'],
  ['a value beats its own prefix', live(1, 1), live(1, 1, 0), 'b'],
  ['an expiring cell beats a live one even with a smaller value', expiring(1, 99, 10, 3), live(1, 4), 'a'],
  ['equal values: the expiring cell', expiring(1, 99, 10, 5), live(1, 5), 'a'],
  ['equal values, both expiring: the later expiry', expiring(1, 99, 10, 5), expiring(1, 99, 11, 5), 'b'],
  ['equal values and expiry: the longer TTL', expiring(1, 99, 10, 5), expiring(1, 98, 11, 5), 'b'],
];

describe('reconcileCells', () => {
  it.each(cases)('%s', (_what, a, b, winner) => {
    const expected = winner === 'a' ? a : b;
    expect(reconcileCells(a, b)).toBe(expected);
    expect(reconcileCells(b, a)).toBe(expected);
  });

  it('does not depend on the time of the merge (CASSANDRA-14592)', () => {
    const cell = expiring(1, 100, 5, 1);
    expect(isLiveCell(cell, 104)).toBe(true);
    expect(isLiveCell(cell, 105)).toBe(false);
    // Before and after it expires, the expiring cell wins the tie with a plain live one.
    expect(reconcileCells(cell, live(1, 9))).toBe(cell);
  });

  /** Cells of SMALL_DOMAIN moved to one position, so that every pair reconciles. */
  const sameCell = cellArb(SMALL_DOMAIN).map((c): Cell => ({ ...c, column: 'a', path: undefined }));

  it('returns one of its arguments, and the same one (as a value) in either order', () => {
    fc.assert(
      fc.property(sameCell, sameCell, (a, b) => {
        const ab = reconcileCells(a, b);
        expect(ab === a || ab === b).toBe(true);
        expect(canonicalCell(reconcileCells(b, a))).toBe(canonicalCell(ab));
      }),
      { numRuns: 3000 },
    );
  });

  it('is associative', () => {
    fc.assert(
      fc.property(sameCell, sameCell, sameCell, (a, b, c) => {
        const left = reconcileCells(reconcileCells(a, b), c);
        const right = reconcileCells(a, reconcileCells(b, c));
        expect(canonicalCell(left)).toBe(canonicalCell(right));
      }),
      { numRuns: 3000 },
    );
  });

  it('never lets an older write win', () => {
    fc.assert(
      fc.property(sameCell, sameCell, (a, b) => {
        const winner = reconcileCells(a, b);
        expect(winner.timestampMicros).toBe(Math.max(a.timestampMicros, b.timestampMicros));
      }),
      { numRuns: 1000 },
    );
  });
});
