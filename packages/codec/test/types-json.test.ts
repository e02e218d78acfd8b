import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CqlType, parseCqlType } from '../src/types/cql-type.js';
import { valueFromJson, valueToJson } from '../src/types/json.js';
import { type CqlValue, normalizeValue } from '../src/types/value.js';
import { typeAndValue } from './types-arbitraries.js';

/** JSON text has no -0: JSON.stringify(-0) is "0". What a round trip through text gives back. */
function withoutNegativeZero(type: CqlType, value: CqlValue): CqlValue {
  switch (type.kind) {
    case 'float':
    case 'double':
      return Object.is(value, -0) ? 0 : value;
    case 'list':
    case 'set':
      return normalizeValue(
        type,
        (value as CqlValue[]).map((e) => withoutNegativeZero(type.element, e)),
      )!;
    case 'map':
      return normalizeValue(
        type,
        // Map keys survive whole: they are strings, and -0 in them is written "-0".
        (value as Array<[CqlValue, CqlValue]>).map(([k, v]) => [k, withoutNegativeZero(type.value, v)]),
      )!;
    default:
      return value;
  }
}

describe('valueToJson / valueFromJson', () => {
  it('round trips every type as JSON values and as JSON text', () => {
    fc.assert(
      fc.property(typeAndValue, ({ type, value }) => {
        const json = valueToJson(type, value);
        expect(valueFromJson(type, json)).toEqual(value);
        expect(valueFromJson(type, JSON.parse(JSON.stringify(json)))).toEqual(withoutNegativeZero(type, value));
      }),
      { numRuns: 500 },
    );
  });

  it('writes the documented forms', () => {
    const cases: Array<[string, CqlValue | null, unknown]> = [
      ['text', 'hi', 'hi'],
      ['int', -5, -5],
      ['float', Math.fround(0.1), 0.1],
      ['double', Number.NaN, 'NaN'],
      ['double', Number.NEGATIVE_INFINITY, '-Infinity'],
      ['bigint', 9007199254740993n, '9007199254740993'],
      ['varint', -(10n ** 30n), '-1000000000000000000000000000000'],
      ['decimal', { unscaled: 150n, scale: 2 }, '1.50'],
      ['decimal', { unscaled: 15n, scale: -3 }, '1.5E+4'],
      ['decimal', { unscaled: 1n, scale: 8 }, '1E-8'],
      ['boolean', false, false],
      ['timestamp', 1_700_000_000_123, '2023-11-14T22:13:20.123Z'],
      ['timestamp', -62_198_755_200_000, '-000001-01-01T00:00:00.000Z'],
      ['date', 0, '1970-01-01'],
      ['date', -719_162, '0001-01-01'],
      ['date', -719_163, '-719163'],
      ['uuid', 'ABCDEF00-0000-4000-8000-000000000000', 'abcdef00-0000-4000-8000-000000000000'],
      ['blob', Uint8Array.of(0, 0xab), '0x00ab'],
      ['inet', '0:0:0:0:0:ffff:7f00:1', '127.0.0.1'],
      ['inet', '2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['set<int>', [3, 1, 3], [1, 3]],
      [
        'map<text, int>',
        [
          ['b', 2],
          ['a', 1],
        ],
        { a: 1, b: 2 },
      ],
      [
        'map<int, boolean>',
        [
          [10, true],
          [-1, false],
        ],
        { '-1': false, '10': true },
      ],
      [
        'map<double, int>',
        [
          [-0, 1],
          [0, 2],
        ],
        { '-0': 1, '0': 2 },
      ],
      ['map<frozen<list<int>>, text>', [[[1, 2], 'x']], { '[1,2]': 'x' }],
      [
        'map<frozen<list<double>>, int>',
        [
          [[0], 2],
          [[-0], 1],
        ],
        { '[-0]': 1, '[0]': 2 },
      ],
      ['map<frozen<map<int, int>>, int>', [[[[1, 2]], 3]], { '{"1":2}': 3 }],
      ['map<text, int>', [['__proto__', 1]], JSON.parse('{"__proto__": 1}')],
      ['int', null, null],
    ];
    for (const [typeText, value, json] of cases) {
      const type = parseCqlType(typeText);
      const out = valueToJson(type, value);
      expect(out, typeText).toEqual(json);
      expect(JSON.stringify(out)).toBe(JSON.stringify(json));
    }
  });

  it('accepts the documented input forms', () => {
    const cases: Array<[string, unknown, CqlValue | null]> = [
      ['int', '42', 42],
      ['double', 'Infinity', Number.POSITIVE_INFINITY],
      ['float', 0.1, Math.fround(0.1)],
      ['bigint', 12, 12n],
      ['bigint', '-9223372036854775808', -(2n ** 63n)],
      ['decimal', 1.25, { unscaled: 125n, scale: 2 }],
      ['decimal', '-0.00', { unscaled: 0n, scale: 2 }],
      ['boolean', 'TRUE', true],
      ['timestamp', 1000, 1000],
      ['timestamp', '1000', 1000],
      ['timestamp', '1970-01-01', 0],
      ['timestamp', '1970-01-01 01:00+0100', 0],
      ['timestamp', '1970-01-02T00:00:00.5-01:30', 86_400_000 + 500 + 90 * 60_000],
      ['date', '2000-02-29', 11_016],
      ['date', 5, 5],
      ['date', '-5', -5],
      ['blob', '0XAbCd', Uint8Array.of(0xab, 0xcd)],
      ['map<uuid, int>', { 'FFFFFFFF-0000-4000-8000-000000000000': 1 }, [['ffffffff-0000-4000-8000-000000000000', 1]]],
      ['set<text>', ['b', 'a', 'b'], ['a', 'b']],
    ];
    for (const [typeText, json, value] of cases) {
      expect(valueFromJson(parseCqlType(typeText), json), `${typeText} ${JSON.stringify(json)}`).toEqual(value);
    }
  });

  it('rejects bad input with clear messages', () => {
    const cases: Array<[string, unknown, RegExp | string]> = [
      ['int', 3.5, 'expected a 32-bit integer for type int, got 3.5'],
      ['int', 'x', /expected an integer \(number or numeric string\) for type int, got "x"/],
      ['text', 5, 'expected a JSON string for type text, got 5'],
      ['bigint', 2 ** 60, /an integer string or a safe integer number/],
      ['bigint', '9223372036854775808', /signed 64-bit range/],
      ['decimal', '1.2.3', /a decimal string/],
      ['timestamp', '2020-02-30', /ISO-8601/],
      ['timestamp', '2020-01-01T00:00:00.123456Z', /ISO-8601/],
      ['timestamp', 1.5, /integer number of milliseconds/],
      ['date', '2020-13-01', /YYYY-MM-DD/],
      ['blob', '0xabc', /hex string/],
      ['blob', '0xag', /hex string/],
      ['blob', 'ab12', /hex string/],
      ['blob', '0x\u0130\u0130', /hex string/],
      ['blob', 12, /hex string/],
      ['timeuuid', '00000000-0000-4000-8000-000000000000', /version 1/],
      ['inet', '1.2.3.256', /IPv4 or IPv6/],
      ['list<int>', [1, null], /null is not supported inside collections/],
      ['map<int, int>', [[1, 2]], /a JSON object/],
      ['map<frozen<list<int>>, int>', { '[1,': 1 }, /JSON-encoded collection/],
      ['ascii', 'é', /non-ASCII character U\+00e9 at index 0 for type ascii/],
    ];
    for (const [typeText, json, message] of cases) {
      const run = () => valueFromJson(parseCqlType(typeText), json);
      expect(run, typeText).toThrow(message);
      expect(run).toThrow(expect.objectContaining({ code: 'RT_INVALID_ARGUMENT' }));
    }
  });

  it('decodes exactly the blob texts a hex regex and Buffer would, to the same bytes', () => {
    const blob = parseCqlType('blob');
    const hexChars = '0123456789abcdefABCDEFxXg\u0130 ';
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...hexChars), maxLength: 12 }), (body) => {
        for (const text of [`0x${body}`, `0X${body}`, body]) {
          const valid = /^0[xX](?:[0-9a-fA-F]{2})*$/.test(text);
          if (valid) expect(valueFromJson(blob, text)).toEqual(new Uint8Array(Buffer.from(text.slice(2), 'hex')));
          else expect(() => valueFromJson(blob, text)).toThrow(/hex string/);
        }
      }),
    );
  });
});
