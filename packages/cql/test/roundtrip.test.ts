/** Generated statements print and parse back to the same tree, with bind markers numbered in order. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatStatement, formatTerm, parseStatement, parseStatements } from '../src/index.js';
import { statement, term } from './arbitraries.js';
import { expectMarkersNumbered, stripTree } from './helpers.js';

describe('print then parse', () => {
  it('gives back every generated statement', () => {
    fc.assert(
      fc.property(statement, (tree) => {
        const text = formatStatement(tree);
        const parsed = parseStatement(text);
        expect(stripTree(parsed), text).toEqual(stripTree(tree));
        expectMarkersNumbered(parsed);
        expect(parsed.endOffset).toBe(text.length);
        // Printing is canonical: the second print equals the first.
        expect(formatStatement(parsed)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives back every generated term, as an INSERT value', () => {
    fc.assert(
      fc.property(term, (value) => {
        const text = `INSERT INTO t (c) VALUES (${formatTerm(value)})`;
        const parsed = parseStatement(text);
        expect(
          parsed.kind === 'insert' && parsed.source.kind === 'values' && stripTree(parsed.source.values[0]),
        ).toEqual(stripTree(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('splits a script into the statements it was made of, with their source spans', () => {
    fc.assert(
      fc.property(
        fc.array(statement, { maxLength: 5 }),
        fc.constantFrom(';\n', ' ; ', ';\n-- note\n', '; /* ; */ '),
        (trees, separator) => {
          const texts = trees.map(formatStatement);
          const script = texts.join(separator);
          const parsed = parseStatements(script);
          expect(parsed.map(stripTree)).toEqual(trees.map(stripTree));
          expect(parsed.map((s) => script.slice(s.position.offset, s.endOffset))).toEqual(texts);
        },
      ),
      { numRuns: 300 },
    );
  });
});
