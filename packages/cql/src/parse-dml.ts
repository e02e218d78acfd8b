/** INSERT, UPDATE, DELETE and BATCH. */
import type { Relation, Term, UpdateCondition, UsingClause } from './ast.js';
import type {
  Assignment,
  BatchStatement,
  BatchType,
  DeleteStatement,
  DeleteTarget,
  InsertSource,
  InsertStatement,
  ModificationStatement,
  UpdateStatement,
} from './ast-statements.js';
import type { Cursor } from './cursor.js';
import type { Token } from './lexer.js';
import { isFunctionCallStart, parseIntegerOrMarker, parseTableName, parseTerm, parseTermList } from './parse-terms.js';
import { parseUpdateCondition, parseWhere } from './parse-where.js';

const NO_USING: UsingClause = { ttl: null, timestamp: null };

/** `USING TTL n AND TIMESTAMP n` in either order; `allowTtl` false for DELETE and BATCH. */
function parseUsing(c: Cursor, allowTtl: boolean): UsingClause {
  if (c.acceptWord('using') === null) return NO_USING;
  let ttl: Term | null = null;
  let timestamp: Term | null = null;
  do {
    const keyword = c.peek();
    if (allowTtl && c.acceptWord('ttl') !== null) {
      if (ttl !== null) throw c.errorAt(keyword, 'TTL is given twice');
      ttl = parseIntegerOrMarker(c);
    } else {
      c.expectWord('timestamp');
      if (timestamp !== null) throw c.errorAt(keyword, 'TIMESTAMP is given twice');
      timestamp = parseIntegerOrMarker(c);
    }
  } while (c.acceptWord('and') !== null);
  return { ttl, timestamp };
}

function parseWhereClause(c: Cursor): Relation[] {
  c.expectWord('where');
  return parseWhere(c);
}

function parseOptionalCondition(c: Cursor): UpdateCondition | null {
  return c.acceptWord('if') === null ? null : parseUpdateCondition(c);
}

/** After INSERT: `INTO t (cols) VALUES (terms) | JSON term [DEFAULT NULL|UNSET]`, `[IF NOT EXISTS]`, `[USING ...]`. */
export function parseInsert(c: Cursor, start: Token, markersBefore: number): InsertStatement {
  c.expectWord('into');
  const table = parseTableName(c);
  let source: InsertSource;
  if (c.acceptWord('json') !== null) {
    const json = parseTerm(c);
    let defaultUnset = false;
    if (c.acceptWord('default') !== null) {
      if (c.acceptWord('unset') !== null) defaultUnset = true;
      else c.expectWord('null');
    }
    source = { kind: 'json', json, defaultUnset };
  } else {
    const open = c.expectPunct('(');
    c.enter(open);
    const columns: string[] = [];
    do columns.push(c.expectIdentifier('column name').name);
    while (c.acceptPunct(',') !== null);
    c.expectPunct(')');
    c.leave();
    c.expectWord('values');
    const valuesOpen = c.expectPunct('(');
    const values = parseTermList(c, valuesOpen, false);
    if (values.length !== columns.length) {
      throw c.errorAt(
        valuesOpen,
        `unmatched column names/values: ${columns.length} column${columns.length === 1 ? '' : 's'} but ${values.length} value${values.length === 1 ? '' : 's'}`,
      );
    }
    source = { kind: 'values', columns, values };
  }
  let ifNotExists = false;
  if (c.acceptWord('if') !== null) {
    c.expectWord('not');
    c.expectWord('exists');
    ifNotExists = true;
  }
  const using = parseUsing(c, true);
  return { kind: 'insert', table, source, ifNotExists, using, ...c.finishStatement(start, markersBefore) };
}

/** After UPDATE: `t [USING ...] SET assignments WHERE relations [IF ...]`. */
export function parseUpdate(c: Cursor, start: Token, markersBefore: number): UpdateStatement {
  const table = parseTableName(c);
  const using = parseUsing(c, true);
  c.expectWord('set');
  const assignments: Assignment[] = [parseAssignment(c)];
  while (c.acceptPunct(',') !== null) assignments.push(parseAssignment(c));
  const where = parseWhereClause(c);
  const condition = parseOptionalCondition(c);
  return { kind: 'update', table, using, assignments, where, condition, ...c.finishStatement(start, markersBefore) };
}

function parseAssignment(c: Cursor): Assignment {
  const first = c.expectIdentifier('column name');
  const column = first.name;
  const position = c.position(first.token);
  const open = c.acceptPunct('[');
  if (open !== null) {
    c.enter(open);
    const element = parseTerm(c);
    c.expectPunct(']');
    c.leave();
    c.expectPunct('=');
    return { kind: 'setElement', column, element, value: parseTerm(c), position };
  }
  if (c.acceptPunct('+=') !== null) return { kind: 'add', column, value: parseTerm(c), position };
  if (c.acceptPunct('-=') !== null) return { kind: 'subtract', column, value: parseTerm(c), position };
  c.expectPunct('=');
  if (c.isIdentifierAt(0) && !isFunctionCallStart(c)) {
    // `c = c + v`, `c = c - v`, and `c = c -1` (the lexer reads `-1` as one integer).
    const same = c.next();
    if (same.value !== column) {
      throw c.errorAt(same, `only expressions of the form ${column} = ${column} + <value> are supported`);
    }
    if (c.acceptPunct('+') !== null) return { kind: 'add', column, value: parseTerm(c), position };
    if (c.acceptPunct('-') !== null) return { kind: 'subtract', column, value: parseTerm(c), position };
    const negative = c.peek();
    if (negative.kind === 'integer' && negative.value.startsWith('-')) {
      c.next();
      const value: Term = { kind: 'integer', text: negative.value.slice(1), position: c.position(negative) };
      return { kind: 'subtract', column, value, position };
    }
    return c.fail();
  }
  const value = parseTerm(c);
  if (c.acceptPunct('+') === null) return { kind: 'set', column, value, position };
  const same = c.expectIdentifier('column name');
  if (same.name !== column) {
    throw c.errorAt(same.token, `only expressions of the form ${column} = <value> + ${column} are supported`);
  }
  return { kind: 'prepend', column, value, position };
}

/** After DELETE: `[c, m[k], ...] FROM t [USING TIMESTAMP n] WHERE relations [IF ...]`. */
export function parseDelete(c: Cursor, start: Token, markersBefore: number): DeleteStatement {
  const targets: DeleteTarget[] = [];
  if (!c.atWord('from')) {
    do targets.push(parseDeleteTarget(c));
    while (c.acceptPunct(',') !== null);
  }
  c.expectWord('from');
  const table = parseTableName(c);
  const using = parseUsing(c, false);
  const where = parseWhereClause(c);
  const condition = parseOptionalCondition(c);
  return { kind: 'delete', targets, table, using, where, condition, ...c.finishStatement(start, markersBefore) };
}

function parseDeleteTarget(c: Cursor): DeleteTarget {
  const column = c.expectIdentifier('column name');
  let element: Term | null = null;
  const open = c.acceptPunct('[');
  if (open !== null) {
    c.enter(open);
    element = parseTerm(c);
    c.expectPunct(']');
    c.leave();
  }
  return { column: column.name, element, position: c.position(column.token) };
}

/** After BEGIN: `[UNLOGGED | COUNTER] BATCH [USING TIMESTAMP n] (stmt [;])* APPLY BATCH`. */
export function parseBatch(c: Cursor, start: Token, markersBefore: number): BatchStatement {
  let batchType: BatchType = 'logged';
  if (c.acceptWord('unlogged') !== null) batchType = 'unlogged';
  else if (c.acceptWord('counter') !== null) batchType = 'counter';
  c.expectWord('batch');
  const using = parseUsing(c, false);
  const statements: ModificationStatement[] = [];
  while (c.acceptWord('apply') === null) {
    statements.push(parseModification(c));
    c.acceptPunct(';');
  }
  c.expectWord('batch');
  return { kind: 'batch', batchType, using, statements, ...c.finishStatement(start, markersBefore) };
}

function parseModification(c: Cursor): ModificationStatement {
  const start = c.peek();
  const markersBefore = c.bindMarkerCount;
  if (c.acceptWord('insert') !== null) return parseInsert(c, start, markersBefore);
  if (c.acceptWord('update') !== null) return parseUpdate(c, start, markersBefore);
  if (c.acceptWord('delete') !== null) return parseDelete(c, start, markersBefore);
  return c.fail();
}
