import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CQL_SCALAR_KINDS,
  type CqlType,
  formatCqlType,
  isCollection,
  isMultiCell,
  parseCqlType,
} from '../src/types/cql-type.js';
import { keyTypeArbitrary } from './types-arbitraries.js';

/** Any valid type: like keyTypeArbitrary, plus counter and a non-frozen collection on top. */
const anyType: fc.Arbitrary<CqlType> = fc.oneof(
  keyTypeArbitrary(3),
  fc.constant<CqlType>({ kind: 'counter' }),
  keyTypeArbitrary(2).map((element): CqlType => ({ kind: 'list', element, frozen: false })),
  fc
    .tuple(keyTypeArbitrary(1), keyTypeArbitrary(2))
    .map(([key, value]): CqlType => ({ kind: 'map', key, value, frozen: false })),
);

/** Re-spells canonical type text with random case and whitespace. */
function respell(text: string, seed: number): string {
  let out = '';
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state >>> 16;
  };
  for (const c of text) {
    const spaced = /[<>,]/.test(c) && next() % 2 === 0 ? ` \t${c}\n ` : c;
    out += next() % 2 === 0 ? spaced.toUpperCase() : spaced;
  }
  return out;
}

describe('parseCqlType / formatCqlType', () => {
  it('round trips canonical text and accepts any case and whitespace', () => {
    fc.assert(
      fc.property(anyType, fc.integer(), (type, seed) => {
        const text = formatCqlType(type);
        expect(parseCqlType(text)).toEqual(type);
        expect(parseCqlType(respell(text, seed))).toEqual(type);
        expect(text).toBe(text.toLowerCase());
      }),
      { numRuns: 500 },
    );
  });

  it('parses every scalar name and the varchar alias', () => {
    for (const kind of CQL_SCALAR_KINDS) expect(parseCqlType(kind)).toEqual({ kind });
    expect(parseCqlType(' VarChar ')).toEqual({ kind: 'text' });
    expect(formatCqlType(parseCqlType('map<varchar,  frozen<list<INT>>>'))).toBe('map<text, frozen<list<int>>>');
  });

  it('freezes collections nested inside frozen<>', () => {
    expect(formatCqlType(parseCqlType('frozen<map<text, list<int>>>'))).toBe('frozen<map<text, frozen<list<int>>>>');
    expect(formatCqlType(parseCqlType('frozen<frozen<set<int>>>'))).toBe('frozen<set<int>>');
    expect(parseCqlType('list<frozen<set<int>>>')).toEqual({
      kind: 'list',
      element: { kind: 'set', element: { kind: 'int' }, frozen: true },
      frozen: false,
    });
  });

  it('classifies collections and multi-cell types', () => {
    expect(isCollection(parseCqlType('int'))).toBe(false);
    expect(isCollection(parseCqlType('frozen<list<int>>'))).toBe(true);
    expect(isMultiCell(parseCqlType('set<int>'))).toBe(true);
    expect(isMultiCell(parseCqlType('frozen<set<int>>'))).toBe(false);
    expect(isMultiCell(parseCqlType('blob'))).toBe(false);
  });

  it('rejects bad type text with clear errors', () => {
    const cases: Array<[string, string | RegExp]> = [
      ['', 'empty type'],
      ['   ', 'empty type'],
      ['strng', 'unknown type strng in "strng"'],
      ['list<foo>', 'unknown type foo in "list<foo>"'],
      ['list<list<int>>', 'non-frozen collections are not allowed inside collections: list<list<int>>'],
      ['map<set<int>, int>', 'non-frozen collections are not allowed inside collections: map<set<int>, int>'],
      ['list<counter>', 'counters are not allowed inside collections: list<counter>'],
      ['frozen<int>', 'frozen<> is only allowed on collections, not int'],
      ['map<int>', 'type map expects 2 type arguments, got 1'],
      ['list<int, int>', 'type list expects 1 type argument, got 2'],
      ['int<text>', 'type int does not take type arguments'],
      ['list<int', 'unexpected end of type "list<int"'],
      ['list<int>>', 'unexpected ">" at position 9 in type "list<int>>"'],
      ['list int', 'unexpected "int" at position 5 in type "list int"'],
      ['map<int,>', /unexpected ">" at position 8/],
      ['list<int>;', 'unexpected character ";" at position 9 in type "list<int>;"'],
      ['2int', 'unexpected character "2" at position 0 in type "2int"'],
      [`${'frozen<list<'.repeat(20)}int${'>>'.repeat(20)}`, /nested deeper than 16 levels/],
      ['x'.repeat(2000), /longer than 1024 characters/],
    ];
    for (const [text, message] of cases) {
      expect(() => parseCqlType(text), text).toThrow(message);
      expect(() => parseCqlType(text)).toThrow(expect.objectContaining({ code: 'RT_INVALID_ARGUMENT' }));
    }
  });
});
