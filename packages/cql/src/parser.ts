/**
 * Entry points of the parser: text in, syntax tree out, or a CqlSyntaxError.
 * Recursive descent with bounded look-ahead and no backtracking, so time is
 * linear in the input; every recursion is depth-checked (constants.ts).
 */
import { ErrorCodes, RingtailError } from '@ringtail/codec';
import type { Statement } from './ast-statements.js';
import { Cursor } from './cursor.js';
import { CqlSyntaxError } from './errors.js';
import { Lexer } from './lexer.js';
import { type ParseOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { parseAlter, parseCreate, parseDrop, parseTruncate, parseUse } from './parse-ddl.js';
import { parseBatch, parseDelete, parseInsert, parseUpdate } from './parse-dml.js';
import { parseSelect } from './parse-select.js';

function checkText(text: unknown): asserts text is string {
  if (typeof text !== 'string') {
    throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, `CQL text must be a string, got ${typeof text}`);
  }
}

function tooLong(what: string, length: number, max: number, line = 1, column = 0): CqlSyntaxError {
  return new CqlSyntaxError(
    line,
    column,
    `${what} is ${length} characters long, more than the limit of ${max}`,
    [],
    ErrorCodes.LIMIT_EXCEEDED,
  );
}

function cursorFor(text: string, options: ResolvedOptions): Cursor {
  return new Cursor(new Lexer(text, options.stats), options);
}

/** Exactly one statement, optionally followed by `;`. */
export function parseStatement(text: string, options?: ParseOptions): Statement {
  checkText(text);
  const resolved = resolveOptions(options);
  if (text.length > resolved.maxStatementLengthChars) {
    throw tooLong('statement', text.length, resolved.maxStatementLengthChars);
  }
  const c = cursorFor(text, resolved);
  const statement = parseOne(c);
  while (c.acceptPunct(';') !== null) {}
  expectEnd(c);
  return statement;
}

/**
 * Every statement of a script, in order (`ringtail cql -f`): statements are
 * separated by `;`, empty ones are skipped. Each statement's source is
 * `text.slice(s.position.offset, s.endOffset)`.
 */
export function parseStatements(text: string, options?: ParseOptions): Statement[] {
  checkText(text);
  const resolved = resolveOptions(options);
  if (text.length > resolved.maxScriptLengthChars) {
    throw tooLong('script', text.length, resolved.maxScriptLengthChars);
  }
  const c = cursorFor(text, resolved);
  const statements: Statement[] = [];
  for (;;) {
    while (c.acceptPunct(';') !== null) {}
    c.note('<EOF>');
    if (c.peek().kind === 'eof') return statements;
    const statement = parseOne(c);
    const length = statement.endOffset - statement.position.offset;
    if (length > resolved.maxStatementLengthChars) {
      const { line, column } = statement.position;
      throw tooLong('statement', length, resolved.maxStatementLengthChars, line, column);
    }
    statements.push(statement);
    if (c.acceptPunct(';') === null) expectEnd(c);
  }
}

function expectEnd(c: Cursor): void {
  c.note('<EOF>');
  if (c.peek().kind !== 'eof') c.fail();
}

function parseOne(c: Cursor): Statement {
  c.resetStatement();
  const start = c.peek();
  if (c.acceptWord('select') !== null) return parseSelect(c, start, 0);
  if (c.acceptWord('insert') !== null) return parseInsert(c, start, 0);
  if (c.acceptWord('update') !== null) return parseUpdate(c, start, 0);
  if (c.acceptWord('delete') !== null) return parseDelete(c, start, 0);
  if (c.acceptWord('begin') !== null) return parseBatch(c, start, 0);
  if (c.acceptWord('create') !== null) return parseCreate(c, start, 0);
  if (c.acceptWord('alter') !== null) return parseAlter(c, start, 0);
  if (c.acceptWord('drop') !== null) return parseDrop(c, start, 0);
  if (c.acceptWord('truncate') !== null) return parseTruncate(c, start, 0);
  if (c.acceptWord('use') !== null) return parseUse(c, start, 0);
  return c.fail();
}
