import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareValues } from '../src/types/compare.js';
import { parseCqlType } from '../src/types/cql-type.js';
import { type CqlValue, normalizeValue, validateValue } from '../src/types/value.js';
import { keyTypeArbitrary, rawValueArbitrary, sign, typeAndValue } from './types-arbitraries.js';

describe('validateValue', () => {
  it('accepts null and valid values of every type', () => {
    fc.assert(
      fc.property(
        keyTypeArbitrary().chain((type) => rawValueArbitrary(type).map((value) => ({ type, value }))),
        ({ type, value }) => {
          validateValue(type, value);
          validateValue(type, null);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects wrong types and out-of-range values with Cassandra-style messages', () => {
    const cases: Array<[string, unknown, string | RegExp]> = [
      ['int', 3.5, 'expected a 32-bit integer for type int, got 3.5'],
      ['int', 2 ** 31, 'expected a 32-bit integer for type int, got 2147483648'],
      ['int', '1', 'expected a 32-bit integer for type int, got "1"'],
      ['tinyint', -129, 'expected a 8-bit integer for type tinyint, got -129'],
      ['smallint', 32768, 'expected a 16-bit integer for type smallint, got 32768'],
      ['bigint', 5, 'expected a bigint in the signed 64-bit range for type bigint, got 5'],
      ['counter', 2n ** 63n, /signed 64-bit range for type counter, got 9223372036854775808n/],
      ['varint', 1.5, 'expected a bigint for type varint, got 1.5'],
      ['float', 1e39, /within the 32-bit float range/],
      ['double', '1', 'expected a number for type double, got "1"'],
      ['decimal', { unscaled: 1, scale: 0 }, /unscaled: bigint, scale: 32-bit integer/],
      ['decimal', { unscaled: 1n, scale: 2 ** 31 }, /unscaled: bigint, scale: 32-bit integer/],
      ['boolean', 0, 'expected a boolean for type boolean, got 0'],
      ['timestamp', 1.5, /integer number of milliseconds/],
      ['timestamp', 8.64e15 + 1, /integer number of milliseconds/],
      ['date', 2 ** 31, /days since 1970-01-01/],
      ['uuid', 'not-a-uuid', /a UUID string/],
      ['timeuuid', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', /version 1 UUID for type timeuuid, got version 4/],
      ['ascii', 'naïve', 'non-ASCII character U+00ef at index 2 for type ascii'],
      ['text', 'a\ud800b', /lone UTF-16 surrogate U\+d800 at index 1/],
      ['text', '\udc00', /lone UTF-16 surrogate/],
      ['blob', [1, 2], 'expected a Uint8Array for type blob, got an array of 2 elements'],
      ['inet', '1.2.3', /IPv4 or IPv6/],
      ['inet', '01.2.3.4', /IPv4 or IPv6/],
      ['inet', '1::2::3', /IPv4 or IPv6/],
      ['inet', 'fe80::1%eth0', /IPv4 or IPv6/],
      ['list<int>', 'x', 'expected an array for type list<int>, got "x"'],
      ['list<int>', [1, undefined], /null is not supported inside collections \(list<int>\)/],
      ['set<int>', [1, 'a'], 'expected a 32-bit integer for type int, got "a"'],
      ['map<int, int>', [[1]], /array of \[key, value\] pairs/],
      ['map<int, int>', [[1, null]], /null is not supported inside collections/],
    ];
    for (const [typeText, value, message] of cases) {
      const run = () => validateValue(parseCqlType(typeText), value);
      expect(run, `${typeText} ${String(value)}`).toThrow(message);
      expect(run).toThrow(expect.objectContaining({ code: 'RT_INVALID_ARGUMENT' }));
    }
  });

  it('accepts the edge values Cassandra accepts', () => {
    const ok: Array<[string, unknown]> = [
      ['double', Number.NaN],
      ['float', Number.NEGATIVE_INFINITY],
      ['float', -0],
      ['tinyint', -128],
      ['bigint', -(2n ** 63n)],
      ['varint', 2n ** 4000n],
      ['timestamp', -8.64e15],
      ['date', -(2 ** 31)],
      ['inet', '::'],
      ['inet', '::ffff:1.2.3.4'],
      ['inet', '1:2:3:4:5:6:7::'],
      ['text', '\u{1f600}\0'],
      ['blob', Buffer.from('abc')],
    ];
    for (const [typeText, value] of ok) validateValue(parseCqlType(typeText), value);
  });
});

describe('normalizeValue', () => {
  it('canonicalises uuid, inet, float, -0 and collections', () => {
    const cases: Array<[string, CqlValue | null, CqlValue | null]> = [
      ['uuid', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
      ['inet', '::FFFF:10.0.0.1', '10.0.0.1'],
      ['inet', '2001:0db8:0000:0000:0000:0000:0002:0001', '2001:db8::2:1'],
      ['inet', '1:0:0:2:0:0:0:3', '1:0:0:2::3'],
      ['inet', '1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
      ['float', 0.1, Math.fround(0.1)],
      ['int', -0, 0],
      ['set<int>', [3, 1, 2, 1], [1, 2, 3]],
      ['set<double>', [Number.NaN, 0, -0, Number.NaN], [-0, 0, Number.NaN]],
      [
        'set<decimal>',
        [
          { unscaled: 100n, scale: 2 },
          { unscaled: 1n, scale: 0 },
        ],
        [{ unscaled: 100n, scale: 2 }],
      ],
      [
        'map<int, text>',
        [
          [2, 'b'],
          [1, 'a'],
          [2, 'c'],
        ],
        [
          [1, 'a'],
          [2, 'c'],
        ],
      ],
      ['list<int>', [3, 1, 3], [3, 1, 3]],
      ['set<frozen<list<int>>>', [[1, 2], [1], [1, 2]], [[1], [1, 2]]],
      ['int', null, null],
    ];
    for (const [typeText, value, expected] of cases) {
      expect(normalizeValue(parseCqlType(typeText), value), typeText).toEqual(expected);
    }
  });

  it('is idempotent and keeps compareValues order', () => {
    fc.assert(
      fc.property(typeAndValue, ({ type, value }) => {
        expect(normalizeValue(type, value)).toEqual(value);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        keyTypeArbitrary().chain((type) =>
          fc.tuple(rawValueArbitrary(type), rawValueArbitrary(type)).map(([a, b]) => ({ type, a, b })),
        ),
        ({ type, a, b }) => {
          // Scalars only change representation, never order.
          if (type.kind === 'list' || type.kind === 'set' || type.kind === 'map') return;
          const na = normalizeValue(type, a)!;
          const nb = normalizeValue(type, b)!;
          expect(sign(compareValues(type, na, nb))).toBe(sign(compareValues(type, a, b)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
