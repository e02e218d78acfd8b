/** SELECT and its selectors. */
import type { Relation, Term } from './ast.js';
import type { ColumnOrder, Selector, SelectorExpression, SelectStatement, SortDirection } from './ast-statements.js';
import type { Cursor } from './cursor.js';
import type { Token } from './lexer.js';
import {
  isFunctionCallStart,
  parseFunctionName,
  parseIntegerOrMarker,
  parseTableName,
  parseTerm,
  parseType,
} from './parse-terms.js';
import { parseWhere } from './parse-where.js';

const TERM_START_WORDS: ReadonlySet<string> = new Set(['true', 'false', 'null', 'nan', 'infinity']);
const TERM_START_PUNCT: ReadonlySet<string> = new Set(['?', ':', '[', '{', '(', '-']);

function isTermStartAt(c: Cursor, k: number): boolean {
  const token = c.peek(k);
  switch (token.kind) {
    case 'string':
    case 'integer':
    case 'float':
    case 'hex':
    case 'uuid':
      return true;
    case 'word':
      return TERM_START_WORDS.has(token.value);
    case 'punct':
      return TERM_START_PUNCT.has(token.value);
    default:
      return false;
  }
}

/**
 * `json` and `distinct` are also column names: they are keywords only when a
 * selection follows (`SELECT distinct FROM t` selects a column named distinct).
 * No function has either name, so `distinct (` is the keyword too.
 */
function isModifierAt(c: Cursor, word: string): boolean {
  if (!c.isWordAt(0, word)) return false;
  const after = c.peek(1);
  if (after.kind === 'word') return after.value !== 'from' && after.value !== 'as';
  if (after.kind === 'quotedName' || (after.kind === 'punct' && after.value === '*')) return true;
  return isTermStartAt(c, 1);
}

/** After SELECT. */
export function parseSelect(c: Cursor, start: Token, markersBefore: number): SelectStatement {
  c.note('JSON');
  const json = isModifierAt(c, 'json');
  if (json) c.next();
  c.note('DISTINCT');
  const distinct = isModifierAt(c, 'distinct');
  if (distinct) c.next();
  const selectors: Selector[] = [];
  const wildcard = c.acceptPunct('*') !== null;
  if (!wildcard) {
    do selectors.push(parseSelector(c));
    while (c.acceptPunct(',') !== null);
  }
  c.expectWord('from');
  const table = parseTableName(c);
  let where: Relation[] = [];
  if (c.acceptWord('where') !== null) where = parseWhere(c);
  const orderBy: ColumnOrder[] = [];
  if (c.acceptWord('order') !== null) {
    c.expectWord('by');
    do orderBy.push(parseColumnOrder(c));
    while (c.acceptPunct(',') !== null);
  }
  let perPartitionLimit: Term | null = null;
  if (c.acceptWord('per') !== null) {
    c.expectWord('partition');
    c.expectWord('limit');
    perPartitionLimit = parseIntegerOrMarker(c);
  }
  let limit: Term | null = null;
  if (c.acceptWord('limit') !== null) limit = parseIntegerOrMarker(c);
  let allowFiltering = false;
  if (c.acceptWord('allow') !== null) {
    c.expectWord('filtering');
    allowFiltering = true;
  }
  return {
    kind: 'select',
    json,
    distinct,
    wildcard,
    selectors,
    table,
    where,
    orderBy,
    perPartitionLimit,
    limit,
    allowFiltering,
    ...c.finishStatement(start, markersBefore),
  };
}

/** `c [ASC | DESC]`, in ORDER BY and CLUSTERING ORDER BY. */
export function parseColumnOrder(c: Cursor): ColumnOrder {
  const column = c.expectIdentifier('column name');
  let direction: SortDirection = 'asc';
  if (c.acceptWord('desc') !== null) direction = 'desc';
  else c.acceptWord('asc');
  return { column: column.name, direction, position: c.position(column.token) };
}

function parseSelector(c: Cursor): Selector {
  const start = c.peek();
  const expression = parseSelectorExpression(c);
  let alias: string | null = null;
  if (c.acceptWord('as') !== null) alias = c.expectIdentifier('alias name').name;
  return { expression, alias, position: c.position(start) };
}

function parseSelectorExpression(c: Cursor): SelectorExpression {
  c.note('selector');
  const token = c.peek();
  const position = c.position(token);
  if (token.kind === 'word' && c.isPunctAt(1, '(')) {
    switch (token.value) {
      case 'count':
        if (c.isPunctAt(2, '*') || (c.peek(2).kind === 'integer' && c.peek(2).value === '1')) {
          if (c.isPunctAt(3, ')')) {
            c.next();
            c.next();
            c.next();
            c.next();
            return { kind: 'countRows', position };
          }
        }
        break;
      case 'writetime':
      case 'ttl': {
        c.next();
        c.next();
        const column = c.expectIdentifier('column name').name;
        c.expectPunct(')');
        return { kind: token.value, column, position };
      }
      case 'cast': {
        c.next();
        const open = c.next();
        c.enter(open);
        const expression = parseSelectorExpression(c);
        c.expectWord('as');
        const type = parseType(c);
        c.expectPunct(')');
        c.leave();
        return { kind: 'cast', expression, type, position };
      }
    }
  }
  if (isFunctionCallStart(c)) {
    const { keyspace, name, open } = parseFunctionName(c);
    c.enter(open);
    const args: SelectorExpression[] = [];
    if (c.acceptPunct(')') === null) {
      do args.push(parseSelectorExpression(c));
      while (c.acceptPunct(',') !== null);
      c.expectPunct(')');
    }
    c.leave();
    return { kind: 'function', keyspace, name, args, position };
  }
  if (c.isIdentifierAt(0)) {
    c.next();
    return { kind: 'column', name: token.value, position };
  }
  if (isTermStartAt(c, 0)) return { kind: 'term', term: parseTerm(c), position };
  return c.fail();
}
