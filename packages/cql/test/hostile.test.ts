/**
 * Hostile input: whatever the text, the parser either returns a tree or
 * throws a CqlSyntaxError — never another error, never a hang, and deep
 * nesting never reaches the JavaScript stack limit. 100k inputs in all.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCodes } from '@ringtail/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CqlSyntaxError,
  formatStatement,
  MAX_NESTING_DEPTH,
  parseStatement,
  parseStatements,
  RESERVED_KEYWORDS,
  type Statement,
} from '../src/index.js';
import { statement } from './arbitraries.js';
import { readTestCases } from './datadriven.js';
import { collectBindMarkers, syntaxErrorOf } from './helpers.js';

/** A tree that comes back must have its markers numbered in order (plain checks: this runs 100k times). */
function checkMarkers(statement: Statement): void {
  const indexes = collectBindMarkers(statement).map((m) => m.index);
  if (indexes.some((index, i) => index !== i) || statement.bindMarkerCount !== indexes.length) {
    throw new Error(`bind markers misnumbered: ${indexes.join(',')} of ${statement.bindMarkerCount}`);
  }
}

function parseOne(text: string): void {
  syntaxErrorOf(() => checkMarkers(parseStatement(text)));
}

function parseScript(text: string): void {
  syntaxErrorOf(() => {
    for (const s of parseStatements(text)) checkMarkers(s);
  });
}

const FRAGMENTS = [
  ...RESERVED_KEYWORDS,
  'key',
  'ttl',
  'timestamp',
  'json',
  'distinct',
  'count',
  'writetime',
  'cast',
  'as',
  'exists',
  'contains',
  'static',
  'clustering',
  'per',
  'partition',
  'filtering',
  'counter',
  'frozen',
  'list',
  'map',
  'int',
  'text',
  'k',
  'v',
  't',
  'ks',
  '"Q"',
  '""',
  '"',
  "'s'",
  "''",
  "'",
  '$$',
  '$$x$$',
  '1',
  '-1',
  '1.5',
  '1e5',
  '-',
  '0x0f',
  '123e4567-e89b-12d3-a456-426614174000',
  '?',
  ':',
  ':n',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '<',
  '>',
  '<=',
  '>=',
  '=',
  '!=',
  '+=',
  '-=',
  '+',
  ',',
  ';',
  '.',
  '*',
  '--',
  '//',
  '/*',
  '*/',
  '\n',
  ' ',
];

const tokenSoup = fc
  .array(fc.constantFrom(...FRAGMENTS), { maxLength: 30 })
  .chain((parts) =>
    fc
      .array(fc.constantFrom(' ', '', '\n'), { minLength: parts.length, maxLength: parts.length })
      .map((gaps) => parts.map((p, i) => `${p}${gaps[i]}`).join('')),
  );

/**
 * Valid statements to damage: generated ones (sampled once, since generating
 * costs more than parsing) and every input of testdata/.
 */
const TESTDATA = join(dirname(fileURLToPath(import.meta.url)), '..', 'testdata');
const VALID_TEXTS = [
  ...fc
    .sample(statement, { numRuns: 1_500, seed: 42 })
    .map(formatStatement)
    .filter((text) => text.length <= 400),
  ...readdirSync(TESTDATA)
    .filter((f) => f.endsWith('.txt'))
    .flatMap((f) => readTestCases(join(TESTDATA, f)).map((c) => c.input)),
];

/** A valid statement's text, then damaged: cut, spliced, repeated, or sprinkled with stray characters. */
const mutated = fc
  .tuple(fc.constantFrom(...VALID_TEXTS), fc.nat(), fc.nat(), fc.constantFrom(...FRAGMENTS), fc.nat(4))
  .map(([text, a, b, fragment, how]) => {
    const i = a % (text.length + 1);
    const j = b % (text.length + 1);
    const [lo, hi] = i < j ? [i, j] : [j, i];
    switch (how) {
      case 0:
        return text.slice(0, i);
      case 1:
        return text.slice(0, lo) + text.slice(hi);
      case 2:
        return text.slice(0, i) + fragment + text.slice(i);
      case 3:
        return text.slice(0, hi) + text.slice(lo, hi) + text.slice(hi);
      default:
        return text.slice(0, i) + fragment + text.slice(j);
    }
  });

describe('hostile input', () => {
  it('token soup only ever parses or throws CqlSyntaxError', () => {
    fc.assert(fc.property(tokenSoup, parseScript), { numRuns: 40_000 });
  });

  it('damaged valid statements only ever parse or throw CqlSyntaxError', () => {
    fc.assert(fc.property(mutated, parseOne), { numRuns: 40_000 });
  });

  it('random text only ever parses or throws CqlSyntaxError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.string({ maxLength: 30, unit: 'binary' })), (text) => {
        parseOne(text);
        parseScript(text);
      }),
      { numRuns: 20_000 },
    );
  });

  it('reports the right place: the error column points into the text', () => {
    fc.assert(
      fc.property(mutated, (text) => {
        const error = syntaxErrorOf(() => parseStatement(text));
        if (error === null) return;
        const lines = text.split('\n');
        expect(error.line).toBeLessThanOrEqual(lines.length);
        expect(error.column).toBeLessThanOrEqual(lines[error.line - 1]!.length);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('deep nesting', () => {
  const DEEP = 50_000;
  const shapes: Array<[string, (n: number) => string]> = [
    ['list', (n) => `INSERT INTO t (k) VALUES (${'['.repeat(n)}1${']'.repeat(n)})`],
    ['set and map', (n) => `INSERT INTO t (k) VALUES (${'{1: {'.repeat(n)}`],
    ['tuple', (n) => `SELECT * FROM t WHERE k = ${'('.repeat(n)}1${')'.repeat(n)}`],
    ['function call', (n) => `UPDATE t SET v = ${'f('.repeat(n)}${')'.repeat(n)} WHERE k = 1`],
    ['type hint', (n) => `INSERT INTO t (k) VALUES (${'(int) '.repeat(n)}1)`],
    ['selector', (n) => `SELECT ${'f('.repeat(n)}a${')'.repeat(n)} FROM t`],
    ['cast', (n) => `SELECT ${'CAST('.repeat(n)}a${' AS int)'.repeat(n)} FROM t`],
    ['type', (n) => `CREATE TABLE t (k int PRIMARY KEY, v ${'frozen<list<'.repeat(n)}int${'>>'.repeat(n)})`],
    ['map key', (n) => `SELECT * FROM t WHERE k = ${'{'.repeat(n)}`],
    ['condition element', (n) => `DELETE FROM t WHERE k = 1 IF m[${'['.repeat(n)}`],
  ];

  for (const [name, build] of shapes) {
    it(`${name}: nested ${DEEP} deep is a syntax error, not a stack overflow`, () => {
      const error = syntaxErrorOf(() => parseStatement(build(DEEP)));
      expect(error).toBeInstanceOf(CqlSyntaxError);
      expect(error!.code).toBe(ErrorCodes.LIMIT_EXCEEDED);
      expect(error!.message).toContain(`nesting deeper than ${MAX_NESTING_DEPTH} levels`);
    });
  }

  it('accepts exactly MAX_NESTING_DEPTH levels and rejects one more', () => {
    const list = (n: number) => `INSERT INTO t (k) VALUES (${'['.repeat(n)}1${']'.repeat(n)})`;
    // The VALUES parentheses are one level themselves.
    expect(parseStatement(list(MAX_NESTING_DEPTH - 1)).kind).toBe('insert');
    expect(syntaxErrorOf(() => parseStatement(list(MAX_NESTING_DEPTH)))?.code).toBe(ErrorCodes.LIMIT_EXCEEDED);
  });
});
