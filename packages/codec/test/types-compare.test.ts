/**
 * compareValues against models written straight from Cassandra's comparators
 * (UUIDType, TimeUUIDType, UTF8Type, DecimalType), so that the byte-comparable
 * encoding, which is tested against compareValues, inherits Cassandra's order.
 */
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareValues } from '../src/types/compare.js';
import type { CqlType } from '../src/types/cql-type.js';
import type { CqlDecimal } from '../src/types/value.js';
import { scalarValueArbitrary, sign } from './types-arbitraries.js';

const RUNS = { numRuns: 1000 };

function halves(uuid: string): { msb: bigint; lsb: bigint } {
  const hex = uuid.replaceAll('-', '');
  return { msb: BigInt(`0x${hex.slice(0, 16)}`), lsb: BigInt(`0x${hex.slice(16)}`) };
}

/** TimeUUIDType.reorderTimestampBytes on an unsigned 64-bit value. */
function reorderTimestamp(msb: bigint): bigint {
  const mask64 = (1n << 64n) - 1n;
  return ((msb << 48n) | ((msb << 16n) & 0xffff00000000n) | (msb >> 32n)) & mask64;
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cassandraUuidCompare(a: string, b: string): number {
  const x = halves(a);
  const y = halves(b);
  const vx = (x.msb >> 12n) & 0xfn;
  const vy = (y.msb >> 12n) & 0xfn;
  if (vx !== vy) return compareBig(vx, vy);
  const c = vx === 1n ? compareBig(reorderTimestamp(x.msb), reorderTimestamp(y.msb)) : compareBig(x.msb, y.msb);
  return c !== 0 ? c : compareBig(x.lsb, y.lsb);
}

function cassandraTimeUuidCompare(a: string, b: string): number {
  const x = halves(a);
  const y = halves(b);
  const c = compareBig(reorderTimestamp(x.msb), reorderTimestamp(y.msb));
  if (c !== 0) return c;
  // signedBytesToNativeLong, then a signed long comparison.
  const signedLow = (lsb: bigint) => BigInt.asIntN(64, lsb ^ 0x0080808080808080n);
  return compareBig(signedLow(x.lsb), signedLow(y.lsb));
}

/** BigDecimal.compareTo, by bringing both to the larger scale. */
function decimalCompare(a: CqlDecimal, b: CqlDecimal): number {
  const scale = Math.max(a.scale, b.scale);
  return compareBig(a.unscaled * 10n ** BigInt(scale - a.scale), b.unscaled * 10n ** BigInt(scale - b.scale));
}

function check<T>(type: CqlType, model: (a: T, b: T) => number): void {
  const values = scalarValueArbitrary(type.kind as never) as unknown as fc.Arbitrary<T>;
  fc.assert(
    fc.property(values, values, (a, b) => {
      expect(sign(compareValues(type, a as never, b as never))).toBe(sign(model(a, b)));
    }),
    RUNS,
  );
}

describe('compareValues matches Cassandra', () => {
  it('uuid: version, then timestamp (v1) or high bits, then low bits unsigned', () => {
    check<string>({ kind: 'uuid' }, cassandraUuidCompare);
  });

  it('timeuuid: timestamp, then low bytes as signed bytes', () => {
    check<string>({ kind: 'timeuuid' }, cassandraTimeUuidCompare);
  });

  it('text and ascii: UTF-8 byte order', () => {
    const utf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
    check<string>({ kind: 'text' }, utf8);
    check<string>({ kind: 'ascii' }, utf8);
  });

  it('decimal: numeric value, scale ignored', () => {
    const small = fc
      .tuple(fc.bigInt({ min: -10_000n, max: 10_000n }), fc.integer({ min: -6, max: 6 }))
      .map(([unscaled, scale]) => ({ unscaled, scale }));
    fc.assert(
      fc.property(small, small, (a, b) => {
        expect(sign(compareValues({ kind: 'decimal' }, a, b))).toBe(sign(decimalCompare(a, b)));
      }),
      RUNS,
    );
  });

  it('double and float: Java Double.compare (-0 < +0, NaN last and equal to itself)', () => {
    const javaCompare = (a: number, b: number): number => {
      const rank = (x: number) => (Number.isNaN(x) ? 2 : 1);
      if (rank(a) !== rank(b)) return rank(a) - rank(b);
      if (Number.isNaN(a)) return 0;
      if (a !== b) return a < b ? -1 : 1;
      return (Object.is(a, -0) ? 0 : 1) - (Object.is(b, -0) ? 0 : 1);
    };
    check<number>({ kind: 'double' }, javaCompare);
    check<number>({ kind: 'float' }, javaCompare);
  });

  it('sorts null (absent) first', () => {
    expect(compareValues({ kind: 'int' }, null, -5)).toBe(-1);
    expect(compareValues({ kind: 'int' }, 5, null)).toBe(1);
    expect(compareValues({ kind: 'int' }, null, null)).toBe(0);
  });
});
