/**
 * Size limits and linear time. Linearity is checked with the parser's own
 * work counters (ParseStats), which do not depend on the machine: doubling
 * the input must double the work, within 10%.
 */
import { ErrorCodes, isRingtailError } from '@ringtail/codec';
import { describe, expect, it } from 'vitest';
import {
  CqlSyntaxError,
  MAX_BIND_MARKERS,
  MAX_NESTING_DEPTH,
  MAX_SCRIPT_LENGTH_CHARS,
  MAX_STATEMENT_LENGTH_CHARS,
  type ParseStats,
  parseStatement,
  parseStatements,
} from '../src/index.js';
import { syntaxErrorOf } from './helpers.js';

/** `prefix` + `item, item, ...` + `suffix`, about `lengthChars` long. */
function repeated(prefix: string, item: string, separator: string, suffix: string, lengthChars: number): string {
  const count = Math.max(
    1,
    Math.floor((lengthChars - prefix.length - suffix.length) / (item.length + separator.length)),
  );
  return `${prefix}${Array.from({ length: count }, () => item).join(separator)}${suffix}`;
}

const SHAPES: Array<[string, (lengthChars: number) => string]> = [
  ['list of integers', (n) => repeated('INSERT INTO t (k, v) VALUES (1, [', '123456', ', ', '])', n)],
  [
    'list of nested maps',
    (n) => repeated('INSERT INTO t (k, v) VALUES (1, [', "{'k': [1, 2.5], 'l': {0x0a}}", ', ', '])', n),
  ],
  ['one long string with escapes', (n) => repeated("INSERT INTO t (k, v) VALUES (1, '", "it''s", ' ', "')", n)],
  ['many relations', (n) => repeated('SELECT * FROM t WHERE ', 'c = ? AND d IN (1, 2)', ' AND ', '', n / 4)],
  ['many columns', (n) => repeated('SELECT ', 'col_name AS "Alias"', ', ', ' FROM t', n)],
  ['comments and whitespace', (n) => repeated('SELECT * FROM t ', '/* c */ -- x\n', ' ', '', n)],
  [
    'batch of inserts',
    (n) => repeated('BEGIN BATCH ', "INSERT INTO t (k, v) VALUES (1, 'x');", ' ', ' APPLY BATCH', n),
  ],
  [
    'deep nesting, repeated',
    (n) => repeated('INSERT INTO t (k) VALUES ([', `${'['.repeat(60)}1${']'.repeat(60)}`, ', ', '])', n),
  ],
  [
    'uuids and hex-like words',
    (n) =>
      repeated('INSERT INTO t (k) VALUES ([', '123e4567-e89b-12d3-a456-426614174000, deadbeef(0xff)', ', ', '])', n),
  ],
];

function work(text: string): ParseStats {
  const stats: ParseStats = { tokens: 0, lexerSteps: 0, parserSteps: 0 };
  parseStatement(text, { stats });
  return stats;
}

describe('linear time', () => {
  for (const [name, build] of SHAPES) {
    it(`${name}: twice the input is twice the work`, () => {
      const small = work(build(200_000));
      const large = work(build(400_000));
      // No counter grows faster than the input (some, like tokens in one long string, stay flat)...
      for (const key of ['tokens', 'lexerSteps', 'parserSteps'] as const) {
        expect(large[key] / small[key], `${key}: ${small[key]} -> ${large[key]}`).toBeLessThan(2.1);
      }
      // ...and the total work doubles.
      const total = (s: ParseStats) => s.tokens + s.lexerSteps + s.parserSteps;
      expect(total(large) / total(small)).toBeGreaterThan(1.9);
      // And the work per character is small and bounded, whatever the shape.
      const text = build(400_000);
      expect(large.lexerSteps / text.length).toBeLessThan(3);
      expect(large.parserSteps / large.tokens).toBeLessThan(12);
    });
  }

  it('parses a 1 MiB INSERT with a huge list literal in well under a second', () => {
    const text = repeated('INSERT INTO t (k, v) VALUES (1, [', '123456', ', ', '])', MAX_STATEMENT_LENGTH_CHARS);
    expect(text.length).toBeLessThanOrEqual(MAX_STATEMENT_LENGTH_CHARS);
    expect(text.length).toBeGreaterThan(MAX_STATEMENT_LENGTH_CHARS - 100);
    // The best of three runs, so that a busy machine does not fail the test.
    let elapsedMs = Number.POSITIVE_INFINITY;
    let statement = parseStatement(text);
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      statement = parseStatement(text);
      elapsedMs = Math.min(elapsedMs, performance.now() - started);
    }
    expect(statement.kind === 'insert' && statement.source.kind === 'values' && statement.source.values[1]?.kind).toBe(
      'list',
    );
    expect(elapsedMs).toBeLessThan(1000);
  });
});

describe('limits', () => {
  it('rejects a statement one character over MAX_STATEMENT_LENGTH_CHARS, up front', () => {
    const fits = `SELECT * FROM t${' '.repeat(MAX_STATEMENT_LENGTH_CHARS - 15)}`;
    expect(parseStatement(fits).kind).toBe('select');
    const error = syntaxErrorOf(() => parseStatement(`${fits} `));
    expect(error?.code).toBe(ErrorCodes.LIMIT_EXCEEDED);
    expect(error?.message).toBe(
      `line 1:0 statement is ${MAX_STATEMENT_LENGTH_CHARS + 1} characters long, more than the limit of ${MAX_STATEMENT_LENGTH_CHARS}`,
    );
  });

  it('rejects one over-long statement inside a script, pointing at it', () => {
    const long = repeated('INSERT INTO t (k, v) VALUES (1, [', '1', ', ', '])', MAX_STATEMENT_LENGTH_CHARS + 10);
    const error = syntaxErrorOf(() => parseStatements(`USE ks;\n${long};`));
    expect(error?.code).toBe(ErrorCodes.LIMIT_EXCEEDED);
    expect([error?.line, error?.column]).toEqual([2, 0]);
  });

  it('rejects a script over MAX_SCRIPT_LENGTH_CHARS without reading it', () => {
    const error = syntaxErrorOf(() => parseStatements(' '.repeat(MAX_SCRIPT_LENGTH_CHARS + 1)));
    expect(error?.code).toBe(ErrorCodes.LIMIT_EXCEEDED);
  });

  it('accepts MAX_BIND_MARKERS markers and rejects one more', () => {
    const markers = (n: number) =>
      `INSERT INTO t (k, v) VALUES (1, [${Array.from({ length: n }, () => '?').join(',')}])`;
    expect(parseStatement(markers(MAX_BIND_MARKERS)).bindMarkerCount).toBe(MAX_BIND_MARKERS);
    const error = syntaxErrorOf(() => parseStatement(markers(MAX_BIND_MARKERS + 1)));
    expect(error?.code).toBe(ErrorCodes.LIMIT_EXCEEDED);
    expect(error?.message).toContain(`more than ${MAX_BIND_MARKERS} bind markers`);
  });

  it('numbers markers per statement in a script, from 0 each time', () => {
    const [first, second] = parseStatements('SELECT * FROM t WHERE k = ?; SELECT * FROM t WHERE k = ? AND c = ?');
    expect(first?.bindMarkerCount).toBe(1);
    expect(second?.kind === 'select' && second.where.map((r) => r.kind === 'compare' && r.value)).toMatchObject([
      { kind: 'bindMarker', index: 0 },
      { kind: 'bindMarker', index: 1 },
    ]);
  });

  it('takes lower limits as options, and refuses higher or invalid ones', () => {
    expect(syntaxErrorOf(() => parseStatement('SELECT * FROM t WHERE k = [[1]]', { maxNestingDepth: 1 }))?.code).toBe(
      ErrorCodes.LIMIT_EXCEEDED,
    );
    for (const bad of [0, -1, 1.5, Number.NaN, MAX_NESTING_DEPTH + 1]) {
      let thrown: unknown;
      try {
        parseStatement('SELECT * FROM t', { maxNestingDepth: bad });
      } catch (error) {
        thrown = error;
      }
      expect(isRingtailError(thrown, ErrorCodes.INVALID_ARGUMENT)).toBe(true);
      expect(thrown).not.toBeInstanceOf(CqlSyntaxError);
    }
  });

  it('refuses text that is not a string with an argument error, not a syntax error', () => {
    const notText = 42 as unknown as string;
    expect(() => parseStatement(notText)).toThrow(/must be a string/);
    expect(() => parseStatements(notText)).toThrow(/must be a string/);
  });
});
