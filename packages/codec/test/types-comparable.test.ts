import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRingtailError } from '../src/errors.js';
import {
  bytesToLatin1Key,
  type ComparableKeyColumn,
  decodeComparable,
  decodeComparableKey,
  encodeComparable,
  encodeComparableKey,
  type SortOrder,
} from '../src/types/comparable.js';
import { compareValues } from '../src/types/compare.js';
import { type CqlType, formatCqlType, parseCqlType } from '../src/types/cql-type.js';
import type { CqlValue } from '../src/types/value.js';
import {
  KEY_SCALAR_KINDS,
  keyTypeArbitrary,
  sign,
  typeAndTwoValues,
  typeAndValue,
  valueArbitrary,
} from './types-arbitraries.js';

const RUNS = { numRuns: 300 };

function expectRingtailError(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    if (!isRingtailError(error)) throw error;
    return;
  }
}

function containsDecimal(type: CqlType): boolean {
  switch (type.kind) {
    case 'list':
    case 'set':
      return containsDecimal(type.element);
    case 'map':
      return containsDecimal(type.key) || containsDecimal(type.value);
    default:
      return type.kind === 'decimal';
  }
}

/** decode(encode(v)) is v, except that decimals lose trailing zeros (compare equal, re-encode identically). */
function expectRoundTrip(type: CqlType, value: CqlValue, decoded: CqlValue): void {
  if (containsDecimal(type)) {
    expect(compareValues(type, decoded, value)).toBe(0);
    expect(encodeComparable(type, decoded)).toEqual(encodeComparable(type, value));
  } else {
    expect(decoded).toEqual(value);
  }
}

describe('encodeComparable', () => {
  for (const kind of KEY_SCALAR_KINDS) {
    it(`orders ${kind} bytes as compareValues orders values, ASC and DESC`, () => {
      const type: CqlType = { kind };
      fc.assert(
        fc.property(valueArbitrary(type), valueArbitrary(type), (a, b) => {
          const expected = sign(compareValues(type, a, b));
          expect(sign(Buffer.compare(encodeComparable(type, a), encodeComparable(type, b)))).toBe(expected);
          expect(sign(Buffer.compare(encodeComparable(type, a, 'desc'), encodeComparable(type, b, 'desc')))).toBe(
            sign(-expected),
          );
        }),
        RUNS,
      );
    });
  }

  it('orders random frozen collections as compareValues does', () => {
    fc.assert(
      fc.property(typeAndTwoValues, ({ type, a, b }) => {
        const expected = sign(compareValues(type, a, b));
        const ea = encodeComparable(type, a);
        const eb = encodeComparable(type, b);
        expect(sign(Buffer.compare(ea, eb))).toBe(expected);
        // The latin1 view gives the same order with plain string comparison.
        const la = bytesToLatin1Key(ea);
        const lb = bytesToLatin1Key(eb);
        expect(la < lb ? -1 : la > lb ? 1 : 0).toBe(expected);
      }),
      RUNS,
    );
  });

  it('round trips through decodeComparable, ASC and DESC', () => {
    fc.assert(
      fc.property(typeAndValue, fc.constantFrom<SortOrder>('asc', 'desc'), ({ type, value }, order) => {
        expectRoundTrip(type, value, decodeComparable(type, encodeComparable(type, value, order), order));
      }),
      RUNS,
    );
  });

  it('orders the documented edge cases', () => {
    const double = parseCqlType('double');
    const ordered = [
      Number.NEGATIVE_INFINITY,
      -1,
      -Number.MIN_VALUE,
      -0,
      0,
      Number.MIN_VALUE,
      1,
      Number.POSITIVE_INFINITY,
      Number.NaN,
    ];
    const keys = ordered.map((v) => bytesToLatin1Key(encodeComparable(double, v)));
    expect([...keys].sort()).toEqual(keys);
    expect(new Set(keys).size).toBe(keys.length);

    const decimal = parseCqlType('decimal');
    expect(encodeComparable(decimal, { unscaled: 10n, scale: 1 })).toEqual(
      encodeComparable(decimal, { unscaled: 100n, scale: 2 }),
    );
    expect(encodeComparable(decimal, { unscaled: 0n, scale: 5 })).toEqual(
      encodeComparable(decimal, { unscaled: 0n, scale: -3 }),
    );
    expect(decodeComparable(decimal, encodeComparable(decimal, { unscaled: 1500n, scale: 3 }))).toEqual({
      unscaled: 15n,
      scale: 1,
    });

    // Text orders by UTF-8 bytes (code points), not UTF-16 units: U+FFFF < U+10000.
    const text = parseCqlType('text');
    expect(Buffer.compare(encodeComparable(text, '\uffff'), encodeComparable(text, '\u{10000}'))).toBe(-1);
    expect(Buffer.compare(encodeComparable(text, 'a'), encodeComparable(text, 'a\0'))).toBe(-1);
    expect(Buffer.compare(encodeComparable(text, 'a\0'), encodeComparable(text, 'a\x01'))).toBe(-1);

    // Cassandra's InetAddressType: unsigned bytes, so 255.0.0.0 sorts after ::1.
    const inet = parseCqlType('inet');
    expect(Buffer.compare(encodeComparable(inet, '255.0.0.0'), encodeComparable(inet, '::1'))).toBe(1);
    expect(Buffer.compare(encodeComparable(inet, '1.2.3.4'), encodeComparable(inet, '102:304::'))).toBe(-1);

    // uuid: version first; timeuuid: timestamp first, then low bytes as signed bytes.
    const uuid = parseCqlType('uuid');
    const v4 = '00000000-0000-4000-8000-000000000000';
    const v1 = 'ffffffff-ffff-1fff-bfff-ffffffffffff';
    expect(compareValues(uuid, v1, v4)).toBe(-1);
    const timeuuid = parseCqlType('timeuuid');
    const early = '00000000-0000-1000-ff00-000000000000';
    const lateLow = '00000000-0000-1000-0100-000000000000';
    expect(compareValues(timeuuid, early, lateLow)).toBe(-1);
    expect(compareValues(uuid, early, lateLow)).toBe(1);
  });

  it('rejects null, invalid values and unknown orders', () => {
    const int = parseCqlType('int');
    expect(() => encodeComparable(int, null as unknown as CqlValue)).toThrow(/no byte-comparable encoding/);
    expect(() => encodeComparable(int, 3.5)).toThrow('expected a 32-bit integer for type int, got 3.5');
    expect(() => encodeComparable(int, 1, 'up' as SortOrder)).toThrow(/order must be/);
  });

  it('decodes truncated encodings and random bytes only to RingtailError or canonical values', () => {
    fc.assert(
      fc.property(typeAndValue, fc.nat(), ({ type, value }, cut) => {
        const bytes = encodeComparable(type, value);
        const truncated = bytes.subarray(0, cut % bytes.length);
        expect(() => decodeComparable(type, truncated)).toThrow(
          expect.objectContaining({ code: 'RT_INVALID_ARGUMENT' }),
        );
      }),
      RUNS,
    );
    fc.assert(
      fc.property(typeAndValue, fc.nat(), fc.nat(255), ({ type, value }, at, byte) => {
        const bytes = Uint8Array.from(encodeComparable(type, value));
        bytes[at % bytes.length] = byte;
        expectRingtailError(() => {
          expect(encodeComparable(type, decodeComparable(type, bytes))).toEqual(bytes);
        });
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(keyTypeArbitrary(), fc.uint8Array({ maxLength: 40 }), (type, bytes) => {
        expectRingtailError(() => {
          // Anything the decoder accepts is canonical: it re-encodes to the same bytes.
          expect(encodeComparable(type, decodeComparable(type, bytes))).toEqual(bytes);
        });
      }),
      { numRuns: 2000 },
    );
  });
});

const columnsArbitrary = fc.array(
  fc.record({ type: keyTypeArbitrary(1), order: fc.constantFrom<SortOrder>('asc', 'desc') }),
  { minLength: 1, maxLength: 4 },
);

const keysArbitrary = columnsArbitrary.chain((columns) => {
  const key = fc
    .tuple(...columns.map((c) => valueArbitrary(c.type)))
    .chain((values) => fc.nat({ max: columns.length }).map((length) => values.slice(0, length)));
  return fc.tuple(key, key).map(([a, b]) => ({ columns, a, b }));
});

function encodeKey(columns: readonly ComparableKeyColumn[], values: readonly CqlValue[]): Uint8Array {
  return encodeComparableKey(values.map((value, i) => ({ ...columns[i]!, value })));
}

/** Component-wise CQL order, DESC flipped per column, a prefix before its extensions. */
function compareKeys(columns: readonly ComparableKeyColumn[], a: readonly CqlValue[], b: readonly CqlValue[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareValues(columns[i]!.type, a[i]!, b[i]!);
    if (c !== 0) return columns[i]!.order === 'desc' ? -c : c;
  }
  return sign(a.length - b.length);
}

describe('encodeComparableKey', () => {
  it('orders composite keys and prefixes component-wise with per-column ASC/DESC', () => {
    fc.assert(
      fc.property(keysArbitrary, ({ columns, a, b }) => {
        const expected = sign(compareKeys(columns, a, b));
        expect(sign(Buffer.compare(encodeKey(columns, a), encodeKey(columns, b)))).toBe(expected);
      }),
      RUNS,
    );
  });

  it('encodes a prefix as a byte prefix that sorts before every extension', () => {
    fc.assert(
      fc.property(keysArbitrary, ({ columns, a }) => {
        const full = encodeKey(columns, a);
        for (let length = 0; length < a.length; length++) {
          const prefix = encodeKey(columns, a.slice(0, length));
          expect(Buffer.from(full.subarray(0, prefix.length))).toEqual(Buffer.from(prefix));
          expect(Buffer.compare(prefix, full)).toBe(-1);
        }
      }),
      RUNS,
    );
  });

  it('round trips full keys and prefixes through decodeComparableKey', () => {
    fc.assert(
      fc.property(keysArbitrary, ({ columns, a }) => {
        const decoded = decodeComparableKey(columns, encodeKey(columns, a));
        expect(decoded.length).toBe(a.length);
        decoded.forEach((value, i) => {
          expectRoundTrip(columns[i]!.type, a[i]!, value);
        });
      }),
      RUNS,
    );
  });

  it('rejects truncated keys and survives random bytes', () => {
    fc.assert(
      fc.property(keysArbitrary, fc.nat(), ({ columns, a }, cut) => {
        const bytes = encodeKey(columns, a);
        if (bytes.length === 0) return;
        const truncated = bytes.subarray(0, cut % bytes.length);
        // Cutting exactly at a component boundary leaves a valid shorter prefix.
        expectRingtailError(() => {
          const decoded = decodeComparableKey(columns, truncated);
          expect(encodeKey(columns, decoded)).toEqual(truncated);
        });
      }),
      RUNS,
    );
    fc.assert(
      fc.property(columnsArbitrary, fc.uint8Array({ maxLength: 40 }), (columns, bytes) => {
        expectRingtailError(() => decodeComparableKey(columns, Uint8Array.from([0x40, ...bytes])));
      }),
      { numRuns: 1000 },
    );
  });

  it('names the failing component', () => {
    const int = parseCqlType('int');
    expect(() =>
      encodeComparableKey([
        { type: int, value: 1, order: 'asc' },
        { type: int, value: null as unknown as CqlValue, order: 'desc' },
      ]),
    ).toThrow(/key component 1/);
    expect(formatCqlType(int)).toBe('int');
  });
});
