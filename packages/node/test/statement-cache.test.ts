/** The statement cache (src/query/statement-cache.ts): the parser's answer, kept within its bounds. */
import { CqlSyntaxError, parseStatement } from '@ringtail/cql';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StatementCache } from '../src/query/statement-cache.js';

const insert = (n: number) => `INSERT INTO ks.t (k, v) VALUES (${n}, ?)`;

describe('StatementCache', () => {
  it('answers what the parser answers, and the same tree for the same text', () => {
    const cache = new StatementCache(8, 1024, 1024);
    const first = cache.parse(insert(1));
    expect(first).toEqual(parseStatement(insert(1)));
    expect(cache.parse(insert(1))).toBe(first);
    expect(cache.parse(insert(2))).not.toBe(first);
  });

  it('keeps at most maxEntries, evicting the least recently used', () => {
    const cache = new StatementCache(3, 1024, 1024);
    const kept = cache.parse(insert(1));
    cache.parse(insert(2));
    cache.parse(insert(3));
    cache.parse(insert(1)); // used again: now the most recent
    cache.parse(insert(4)); // evicts 2
    expect(cache.size).toBe(3);
    expect(cache.parse(insert(1))).toBe(kept);
    const two = cache.parse(insert(2)); // parsed again, evicting 3
    expect(cache.parse(insert(2))).toBe(two);
    expect(cache.size).toBe(3);
  });

  it('keeps at most maxChars of text, and never a text longer than maxTextChars', () => {
    const length = insert(1).length;
    const cache = new StatementCache(100, 2 * length, length);
    cache.parse(insert(1));
    cache.parse(insert(2));
    cache.parse(insert(3));
    expect(cache.size).toBe(2);
    const long = `${insert(4)} USING TTL 5`;
    const parsed = cache.parse(long);
    expect(cache.parse(long)).not.toBe(parsed);
    expect(cache.size).toBe(2);
  });

  it('keeps nothing for a statement that does not parse, and throws the same error each time', () => {
    const cache = new StatementCache(8, 1024, 1024);
    for (let i = 0; i < 2; i++) expect(() => cache.parse('INSERT INTO')).toThrow(CqlSyntaxError);
    expect(cache.size).toBe(0);
  });

  it('keeps only statements with bind markers', () => {
    const cache = new StatementCache(8, 1024, 1024);
    const text = 'INSERT INTO ks.t (k, v) VALUES (1, 2)';
    const parsed = cache.parse(text);
    expect(parsed).toEqual(parseStatement(text));
    expect(cache.parse(text)).not.toBe(parsed);
    expect(cache.size).toBe(0);
  });

  it('keeps what a least-recently-used list of the same bounds keeps, over any sequence of texts', () => {
    // Texts of 1 to 3 digits, so that the character bound evicts too.
    const text = fc.constantFrom(1, 2, 3, 10, 20, 300).map(insert);
    fc.assert(
      fc.property(fc.array(text, { maxLength: 40 }), fc.integer({ min: 1, max: 4 }), (texts, maxEntries) => {
        const maxChars = 3 * insert(1).length;
        const cache = new StatementCache(maxEntries, maxChars, 1024);
        const model: string[] = []; // least recently used first
        const trees = new Map<string, unknown>();
        for (const t of texts) {
          const wasKept = model.includes(t);
          const tree = cache.parse(t);
          if (wasKept) expect(tree).toBe(trees.get(t));
          else expect(tree).not.toBe(trees.get(t));
          trees.set(t, tree);
          if (wasKept) model.splice(model.indexOf(t), 1);
          model.push(t);
          let chars = model.reduce((sum, m) => sum + m.length, 0);
          while (model.length > maxEntries || chars > maxChars) chars -= model.shift()!.length;
          expect(cache.size).toBe(model.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});
