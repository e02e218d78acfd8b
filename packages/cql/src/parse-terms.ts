/** Grammar rules shared by every statement: terms, types, bind markers, table names. */
import { type CqlType, isRingtailError, parseCqlType } from '@ringtail/codec';
import type { BindMarker, MapEntry, TableName, Term } from './ast.js';
import type { Cursor } from './cursor.js';
import type { Token } from './lexer.js';

/** Words that open a parameterised type; `(list<int>) ?` is a type hint, not a tuple. */
const PARAMETERISED_TYPES: ReadonlySet<string> = new Set(['frozen', 'list', 'set', 'map', 'tuple']);

/** `ks.t` or `t`. */
export function parseTableName(c: Cursor): TableName {
  const first = c.expectIdentifier('table name');
  if (c.acceptPunct('.') === null) return { keyspace: null, name: first.name, position: c.position(first.token) };
  const table = c.expectIdentifier('table name');
  return { keyspace: first.name, name: table.name, position: c.position(first.token) };
}

/** `?` or `:name`; numbered in order of appearance. */
export function parseBindMarker(c: Cursor): BindMarker {
  const token = c.peek();
  if (c.acceptPunct('?') !== null) {
    return { kind: 'bindMarker', index: c.nextBindMarkerIndex(token), name: null, position: c.position(token) };
  }
  c.expectPunct(':');
  const name = c.expectIdentifier('bind marker name').name;
  return { kind: 'bindMarker', index: c.nextBindMarkerIndex(token), name, position: c.position(token) };
}

export function isBindMarkerStart(c: Cursor): boolean {
  return c.isPunctAt(0, '?') || c.isPunctAt(0, ':');
}

/** An integer literal or a bind marker: TTL, TIMESTAMP and LIMIT values. */
export function parseIntegerOrMarker(c: Cursor): Term {
  c.note('integer');
  c.note('bind marker');
  const token = c.peek();
  if (token.kind === 'integer') {
    c.next();
    return { kind: 'integer', text: token.value, position: c.position(token) };
  }
  if (isBindMarkerStart(c)) return parseBindMarker(c);
  return c.fail();
}

/** After `(`: terms up to `)`; an empty list only if `allowEmpty` (`IN ()` may be empty, VALUES () not). */
export function parseTermList(c: Cursor, open: Token, allowEmpty: boolean): Term[] {
  c.enter(open);
  const terms: Term[] = [];
  if (!allowEmpty || c.acceptPunct(')') === null) {
    do terms.push(parseTerm(c));
    while (c.acceptPunct(',') !== null);
    c.expectPunct(')');
  }
  c.leave();
  return terms;
}

export function parseTerm(c: Cursor): Term {
  c.note('term');
  const token = c.peek();
  const position = c.position(token);
  switch (token.kind) {
    case 'string':
    case 'integer':
    case 'float':
    case 'hex':
    case 'uuid':
      c.next();
      return { kind: token.kind, text: token.value, position };
    case 'word':
      switch (token.value) {
        case 'true':
        case 'false':
          c.next();
          return { kind: 'boolean', text: token.value, position };
        case 'null':
          c.next();
          return { kind: 'null', position };
        case 'nan':
          c.next();
          return { kind: 'float', text: 'NaN', position };
        case 'infinity':
          c.next();
          return { kind: 'float', text: 'Infinity', position };
      }
      if (isFunctionCallStart(c)) return parseFunctionCall(c);
      return c.fail();
    case 'quotedName':
      if (isFunctionCallStart(c)) return parseFunctionCall(c);
      return c.fail();
    case 'punct':
      return parsePunctTerm(c, token);
    case 'eof':
      return c.fail();
  }
}

function parsePunctTerm(c: Cursor, token: Token): Term {
  const position = c.position(token);
  switch (token.value) {
    case '?':
    case ':':
      return parseBindMarker(c);
    case '-': {
      const after = c.peek(1);
      if (after.kind === 'word' && (after.value === 'nan' || after.value === 'infinity')) {
        c.next();
        c.next();
        return { kind: 'float', text: after.value === 'nan' ? '-NaN' : '-Infinity', position };
      }
      return c.fail();
    }
    case '[': {
      c.next();
      c.enter(token);
      const elements: Term[] = [];
      if (c.acceptPunct(']') === null) {
        do elements.push(parseTerm(c));
        while (c.acceptPunct(',') !== null);
        c.expectPunct(']');
      }
      c.leave();
      return { kind: 'list', elements, position };
    }
    case '{':
      return parseBraces(c, token);
    case '(':
      return isTypeHintStart(c) ? parseTypeHint(c, token) : parseTuple(c, token);
    default:
      return c.fail();
  }
}

/** `{}` (an empty map), `{a, b}` (a set) or `{k: v, ...}` (a map). */
function parseBraces(c: Cursor, open: Token): Term {
  const position = c.position(open);
  c.next();
  c.enter(open);
  if (c.acceptPunct('}') !== null) {
    c.leave();
    return { kind: 'map', entries: [], position };
  }
  const first = parseTerm(c);
  if (c.acceptPunct(':') !== null) {
    const entries: MapEntry[] = [{ key: first, value: parseTerm(c) }];
    while (c.acceptPunct(',') !== null) {
      const key = parseTerm(c);
      c.expectPunct(':');
      entries.push({ key, value: parseTerm(c) });
    }
    c.expectPunct('}');
    c.leave();
    return { kind: 'map', entries, position };
  }
  const elements: Term[] = [first];
  while (c.acceptPunct(',') !== null) elements.push(parseTerm(c));
  c.expectPunct('}');
  c.leave();
  return { kind: 'set', elements, position };
}

function parseTuple(c: Cursor, open: Token): Term {
  c.next();
  c.enter(open);
  const elements: Term[] = [];
  do elements.push(parseTerm(c));
  while (c.acceptPunct(',') !== null);
  c.expectPunct(')');
  c.leave();
  return { kind: 'tuple', elements, position: c.position(open) };
}

/** `(name)` or `(list<...`: a bare name is never a term, so this cannot be a tuple. */
function isTypeHintStart(c: Cursor): boolean {
  const name = c.peek(1);
  if (name.kind !== 'word') return false;
  if (PARAMETERISED_TYPES.has(name.value) && c.isPunctAt(2, '<')) return true;
  return c.isIdentifierAt(1) && c.isPunctAt(2, ')');
}

function parseTypeHint(c: Cursor, open: Token): Term {
  c.next();
  c.enter(open);
  const type = parseType(c);
  c.expectPunct(')');
  const term = parseTerm(c);
  c.leave();
  return { kind: 'typeHint', type, term, position: c.position(open) };
}

/** `name(` or `ks.name(`. */
export function isFunctionCallStart(c: Cursor): boolean {
  const first = c.peek();
  const nameLike =
    first.kind === 'quotedName' || (first.kind === 'word' && (first.value === 'token' || c.isIdentifierAt(0)));
  if (!nameLike) return false;
  if (c.isPunctAt(1, '(')) return true;
  return c.isPunctAt(1, '.') && c.isIdentifierAt(2) && c.isPunctAt(3, '(');
}

/** The name part of a function call: `[ks.]name`, then `(` is consumed. */
export function parseFunctionName(c: Cursor): { keyspace: string | null; name: string; open: Token } {
  const first = c.next();
  let keyspace: string | null = null;
  let name = first.value;
  if (c.acceptPunct('.') !== null) {
    keyspace = name;
    name = c.expectIdentifier('function name').name;
  }
  const open = c.expectPunct('(');
  return { keyspace, name, open };
}

function parseFunctionCall(c: Cursor): Term {
  const position = c.position(c.peek());
  const { keyspace, name, open } = parseFunctionName(c);
  c.enter(open);
  const args: Term[] = [];
  if (c.acceptPunct(')') === null) {
    do args.push(parseTerm(c));
    while (c.acceptPunct(',') !== null);
    c.expectPunct(')');
  }
  c.leave();
  return { kind: 'function', keyspace, name, args, position };
}

/**
 * A column or cast type, e.g. `frozen<map<text, list<int>>>`. The tokens are
 * read here (bounded depth), then codec's `parseCqlType` applies the type
 * rules (known names, argument counts, frozen nesting); its complaint
 * becomes a syntax error at the type.
 */
export function parseType(c: Cursor): CqlType {
  const start = c.peek();
  const text = parseTypeText(c);
  try {
    return parseCqlType(text);
  } catch (error) {
    if (!isRingtailError(error)) throw error;
    throw c.errorAt(start, error.message);
  }
}

function parseTypeText(c: Cursor): string {
  c.note('type');
  const token = c.peek();
  if (token.kind !== 'word') {
    if (token.kind === 'quotedName')
      throw c.errorAt(token, `unknown type ${c.display(token)}: user-defined types are not supported`);
    return c.fail();
  }
  c.next();
  if (c.acceptPunct('<') === null) return token.value;
  c.enter(token);
  const args = [parseTypeText(c)];
  while (c.acceptPunct(',') !== null) args.push(parseTypeText(c));
  c.expectPunct('>');
  c.leave();
  return `${token.value}<${args.join(', ')}>`;
}
