import { describe, expect, it } from 'vitest';
import { seededRandom } from '../src/runtime/random.js';

describe('seededRandom', () => {
  it('replays the same sequence from the same seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const seqA = Array.from({ length: 100 }, () => a.int(1000));
    const seqB = Array.from({ length: 100 }, () => b.int(1000));
    expect(seqA).toEqual(seqB);
    expect(Array.from(a.bytes(13))).toEqual(Array.from(b.bytes(13)));
  });

  it('gives different sequences for different seeds and stays in range', () => {
    const a = seededRandom(1);
    const b = seededRandom(2);
    const seqA = Array.from({ length: 50 }, () => a.next());
    const seqB = Array.from({ length: 50 }, () => b.next());
    expect(seqA).not.toEqual(seqB);
    for (const x of [...seqA, ...seqB]) expect(x >= 0 && x < 1).toBe(true);
  });

  it('spreads int() over its range', () => {
    const r = seededRandom(7);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[r.int(10)]! += 1;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(600);
  });

  it('rejects bounds it cannot honour', () => {
    expect(() => seededRandom(1).int(0)).toThrow(RangeError);
    expect(() => seededRandom(1).int(1.5)).toThrow(RangeError);
  });
});
