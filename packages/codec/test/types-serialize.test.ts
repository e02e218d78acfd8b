import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRingtailError } from '../src/errors.js';
import { parseCqlType } from '../src/types/cql-type.js';
import { deserializeValue, serializeValue } from '../src/types/serialize.js';
import { type CqlValue, validateValue } from '../src/types/value.js';
import { keyTypeArbitrary, typeAndValue } from './types-arbitraries.js';

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

describe('serializeValue / deserializeValue', () => {
  it('round trips every type, including nested frozen collections', () => {
    fc.assert(
      fc.property(typeAndValue, ({ type, value }) => {
        expect(deserializeValue(type, serializeValue(type, value))).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  it('writes the native protocol v4 encodings', () => {
    const cases: Array<[string, CqlValue, string]> = [
      ['int', -2, 'fffffffe'],
      ['smallint', 258, '0102'],
      ['tinyint', -1, 'ff'],
      ['bigint', 1n, '0000000000000001'],
      ['counter', -1n, 'ffffffffffffffff'],
      ['varint', 0n, '00'],
      ['varint', 127n, '7f'],
      ['varint', 128n, '0080'],
      ['varint', -128n, '80'],
      ['varint', -129n, 'ff7f'],
      ['decimal', { unscaled: -15n, scale: 1 }, '00000001f1'],
      ['float', 1.5, '3fc00000'],
      ['double', -2, 'c000000000000000'],
      ['boolean', true, '01'],
      ['timestamp', -1, 'ffffffffffffffff'],
      ['date', 0, '80000000'],
      ['date', -1, '7fffffff'],
      ['uuid', '00112233-4455-6677-8899-aabbccddeeff', '00112233445566778899aabbccddeeff'],
      ['inet', '10.0.0.1', '0a000001'],
      ['inet', '::1', '00000000000000000000000000000001'],
      ['text', 'é', 'c3a9'],
      ['blob', Uint8Array.of(0, 255), '00ff'],
      ['list<int>', [1, 2], '00000002' + '00000004' + '00000001' + '00000004' + '00000002'],
      ['set<int>', [2, 1, 2], '00000002' + '00000004' + '00000001' + '00000004' + '00000002'],
      ['map<int, boolean>', [[1, true]], '00000001' + '00000004' + '00000001' + '00000001' + '01'],
    ];
    for (const [typeText, value, expected] of cases) {
      expect(hex(serializeValue(parseCqlType(typeText), value)), typeText).toBe(expected);
    }
  });

  it('reads non-canonical but legal bytes the way Cassandra does', () => {
    expect(deserializeValue(parseCqlType('varint'), Uint8Array.of(0, 0, 5))).toBe(5n);
    expect(deserializeValue(parseCqlType('boolean'), Uint8Array.of(7))).toBe(true);
    // An IPv4-mapped IPv6 address reads as IPv4, as java.net.InetAddress does.
    const mapped = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4);
    expect(deserializeValue(parseCqlType('inet'), mapped)).toBe('1.2.3.4');
    // Sets and maps come back sorted and deduplicated.
    const set = parseCqlType('set<int>');
    const unsorted = Uint8Array.from(
      Buffer.from('00000002' + '00000004' + '00000009' + '00000004' + '00000001', 'hex'),
    );
    expect(deserializeValue(set, unsorted)).toEqual([1, 9]);
  });

  it('reports malformed bytes clearly', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['int', '000001', /malformed serialized int: expected 4 bytes, got 3/],
      ['uuid', '00', /expected 16 bytes/],
      ['timeuuid', '00112233445566778899aabbccddeeff', /not a version 1 UUID/],
      ['inet', '0102030405', /expected 4 or 16 bytes/],
      ['text', 'c3', /invalid UTF-8/],
      ['ascii', 'c3a9', /non-ASCII/],
      ['varint', '', /at least 1 byte/],
      ['decimal', '000000', /at least 5 bytes/],
      ['timestamp', '7fffffffffffffff', /outside/],
      ['list<int>', '00000001ffffffff', /null is not supported inside collections/],
      ['list<int>', '7fffffff', /element count 2147483647 does not fit/],
      ['list<int>', '000000010000001000000001', /overruns/],
      ['list<int>', '000000010000000400000001ff', /1 trailing bytes/],
      ['map<int, int>', '000000010000000400000001', /truncated element length/],
      ['list<frozen<list<int>>>', '000000010000000400000009', /element count 9 does not fit/],
    ];
    for (const [typeText, bytesHex, message] of cases) {
      const run = () => deserializeValue(parseCqlType(typeText), Uint8Array.from(Buffer.from(bytesHex, 'hex')));
      expect(run, typeText).toThrow(message);
      expect(run).toThrow(expect.objectContaining({ code: 'RT_INVALID_ARGUMENT' }));
    }
  });

  it('refuses null and invalid values', () => {
    expect(() => serializeValue(parseCqlType('int'), null as unknown as CqlValue)).toThrow(/absent value has no bytes/);
    expect(() => serializeValue(parseCqlType('tinyint'), 128)).toThrow(
      'expected a 8-bit integer for type tinyint, got 128',
    );
    expect(() => serializeValue(parseCqlType('list<int>'), [1, null] as unknown as CqlValue)).toThrow(
      /null is not supported inside collections/,
    );
  });

  it('turns random and truncated bytes into values or RingtailError, nothing else', () => {
    fc.assert(
      fc.property(keyTypeArbitrary(), fc.uint8Array({ maxLength: 48 }), (type, bytes) => {
        try {
          validateValue(type, deserializeValue(type, bytes));
        } catch (error) {
          if (!isRingtailError(error)) throw error;
        }
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(typeAndValue, fc.nat(), fc.nat(255), ({ type, value }, at, byte) => {
        const bytes = serializeValue(type, value);
        const damaged = Uint8Array.from(bytes.subarray(0, at % (bytes.length + 1)));
        if (damaged.length > 0) damaged[at % damaged.length] = byte;
        try {
          validateValue(type, deserializeValue(type, damaged));
        } catch (error) {
          if (!isRingtailError(error)) throw error;
        }
      }),
      { numRuns: 1000 },
    );
  });
});
