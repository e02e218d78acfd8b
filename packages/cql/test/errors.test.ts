/** The shape of CqlSyntaxError, which the HTTP layer turns into 400 {"error": "SyntaxError", line, column}. */
import { ErrorCodes, isRingtailError, RingtailError } from '@ringtail/codec';
import { describe, expect, it } from 'vitest';
import {
  CqlSyntaxError,
  formatIdentifier,
  isReservedKeyword,
  parseStatement,
  parseStatements,
  SYNTAX_ERROR_NAME,
} from '../src/index.js';

function errorOf(text: string): CqlSyntaxError {
  try {
    parseStatements(text);
  } catch (error) {
    if (error instanceof CqlSyntaxError) return error;
    throw error;
  }
  throw new Error(`parsed: ${text}`);
}

describe('CqlSyntaxError', () => {
  it('is a RingtailError with a stable code, a kind for the HTTP layer, and a position', () => {
    const error = errorOf('SELECT * FORM t');
    expect(error).toBeInstanceOf(RingtailError);
    expect(isRingtailError(error, ErrorCodes.INVALID_ARGUMENT)).toBe(true);
    expect(error.name).toBe('CqlSyntaxError');
    expect(error.kind).toBe(SYNTAX_ERROR_NAME);
    expect(SYNTAX_ERROR_NAME).toBe('SyntaxError');
    expect(error.message).toBe("line 1:9 mismatched input 'FORM' expecting FROM");
    expect([error.line, error.column]).toEqual([1, 9]);
    expect(error.expected).toEqual(['FROM']);
  });

  it('counts lines from 1 and columns from 0, as cqlsh does', () => {
    const error = errorOf('SELECT *\n  FROM t\n  WHERE k = = 1');
    expect([error.line, error.column]).toEqual([3, 12]);
    expect(error.message.startsWith('line 3:12 ')).toBe(true);
  });

  it('counts a CRLF line break once, and columns in UTF-16 code units', () => {
    expect([errorOf('SELECT *\r\nFROM t x').line, errorOf('SELECT *\r\nFROM t x').column]).toEqual([2, 7]);
    const error = errorOf("SELECT * FROM t WHERE k = '😀' x");
    expect(error.column).toBe(31);
  });

  it('lists every alternative tried at the failing token', () => {
    expect(errorOf('SELECT * FROM t WHERE k = 1 LIMIT 1 x').expected).toEqual(['ALLOW', "';'", '<EOF>']);
    expect(errorOf('DROP x').expected).toEqual(['KEYSPACE', 'SCHEMA', 'TABLE', 'COLUMNFAMILY']);
  });

  it('reports lexical errors without a token list', () => {
    const error = errorOf("SELECT * FROM t WHERE k = 'open");
    expect(error.message).toBe('line 1:26 unterminated string literal');
    expect(error.expected).toEqual([]);
  });

  it('cuts long offending input in the message', () => {
    const error = errorOf(`SELECT * FROM t '${'x'.repeat(10_000)}'`);
    expect(error.message.length).toBeLessThan(200);
    expect(error.message).toContain("...'");
  });

  it('names the statement in a script that failed, by its line', () => {
    expect(errorOf('USE ks;\nSELECT * FROM t;\nINSERT INTO t (k) VALUES (1;').line).toBe(3);
  });
});

describe('names', () => {
  it('quotes only names that would not read back as themselves', () => {
    expect(formatIdentifier('users')).toBe('users');
    expect(formatIdentifier('Users')).toBe('"Users"');
    expect(formatIdentifier('select')).toBe('"select"');
    expect(formatIdentifier('key')).toBe('"key"');
    expect(formatIdentifier('a"b')).toBe('"a""b"');
    expect(formatIdentifier('1abc')).toBe('"1abc"');
    expect(isReservedKeyword('from')).toBe(true);
    expect(isReservedKeyword('key')).toBe(false);
  });

  it('gives each statement of a script its source span', () => {
    const text = 'USE ks ;  /* x */ SELECT * FROM t WHERE k = 1 ; ';
    expect(parseStatements(text).map((s) => text.slice(s.position.offset, s.endOffset))).toEqual([
      'USE ks',
      'SELECT * FROM t WHERE k = 1',
    ]);
    const statement = parseStatement('\n\n  SELECT * FROM t');
    expect(statement.position).toEqual({ line: 3, column: 2, offset: 4 });
  });
});
