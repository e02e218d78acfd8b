/** WHERE relations and IF conditions. */
import type { ColumnCondition, ComparisonOperator, Relation, Term, UpdateCondition } from './ast.js';
import type { Cursor } from './cursor.js';
import { isBindMarkerStart, parseBindMarker, parseTerm, parseTermList } from './parse-terms.js';

const OPERATORS: readonly ComparisonOperator[] = ['=', '<', '<=', '>', '>=', '!='];

/** The comparison operator at the cursor, consumed; null (with the operators noted as expected) if none. */
function acceptOperator(c: Cursor): ComparisonOperator | null {
  for (const operator of OPERATORS) {
    if (c.acceptPunct(operator) !== null) return operator;
  }
  return null;
}

function expectOperator(c: Cursor): ComparisonOperator {
  return acceptOperator(c) ?? c.fail();
}

/** `relation AND relation ...` after WHERE. */
export function parseWhere(c: Cursor): Relation[] {
  const relations: Relation[] = [parseRelation(c)];
  while (c.acceptWord('and') !== null) relations.push(parseRelation(c));
  return relations;
}

/** `(a, b, ...)`: the column list of a tuple or token relation. */
function parseColumnTuple(c: Cursor): string[] {
  const open = c.expectPunct('(');
  c.enter(open);
  const columns: string[] = [];
  do columns.push(c.expectIdentifier('column name').name);
  while (c.acceptPunct(',') !== null);
  c.expectPunct(')');
  c.leave();
  return columns;
}

function parseRelation(c: Cursor): Relation {
  const start = c.peek();
  const position = c.position(start);
  if (c.acceptWord('token') !== null) {
    const columns = parseColumnTuple(c);
    const operator = expectOperator(c);
    return { kind: 'token', columns, operator, value: parseTerm(c), position };
  }
  if (c.atPunct('(')) {
    const columns = parseColumnTuple(c);
    if (c.acceptWord('in') !== null) {
      c.note('bind marker');
      if (isBindMarkerStart(c)) return { kind: 'tupleInMarker', columns, marker: parseBindMarker(c), position };
      const open = c.expectPunct('(');
      return { kind: 'tupleIn', columns, values: parseTermList(c, open, true), position };
    }
    const operator = expectOperator(c);
    return { kind: 'tupleCompare', columns, operator, value: parseTerm(c), position };
  }
  const column = c.expectIdentifier('column name').name;
  if (c.acceptWord('in') !== null) {
    c.note('bind marker');
    if (isBindMarkerStart(c)) return { kind: 'inMarker', column, marker: parseBindMarker(c), position };
    const open = c.expectPunct('(');
    return { kind: 'in', column, values: parseTermList(c, open, true), position };
  }
  if (c.acceptWord('contains') !== null) {
    const key = c.acceptWord('key') !== null;
    return { kind: 'contains', column, key, value: parseTerm(c), position };
  }
  const operator = expectOperator(c);
  return { kind: 'compare', column, operator, value: parseTerm(c), position };
}

/**
 * After IF on UPDATE and DELETE: `EXISTS`, or conditions joined by AND.
 * `exists` is also a valid column name, so `IF exists = 1` is a condition.
 */
export function parseUpdateCondition(c: Cursor): UpdateCondition {
  const start = c.peek();
  const position = c.position(start);
  if (c.atWord('exists') && !isConditionOperatorAt(c, 1)) {
    c.next();
    return { kind: 'exists', position };
  }
  const conditions: ColumnCondition[] = [parseColumnCondition(c)];
  while (c.acceptWord('and') !== null) conditions.push(parseColumnCondition(c));
  return { kind: 'columns', conditions, position };
}

function isConditionOperatorAt(c: Cursor, k: number): boolean {
  const token = c.peek(k);
  if (token.kind === 'punct') return token.value === '[' || (OPERATORS as readonly string[]).includes(token.value);
  return token.kind === 'word' && token.value === 'in';
}

function parseColumnCondition(c: Cursor): ColumnCondition {
  const start = c.peek();
  const position = c.position(start);
  const column = c.expectIdentifier('column name').name;
  let element: Term | null = null;
  const open = c.acceptPunct('[');
  if (open !== null) {
    c.enter(open);
    element = parseTerm(c);
    c.expectPunct(']');
    c.leave();
  }
  if (c.acceptWord('in') !== null) {
    c.note('bind marker');
    if (isBindMarkerStart(c)) return { kind: 'inMarker', column, element, marker: parseBindMarker(c), position };
    const list = c.expectPunct('(');
    return { kind: 'in', column, element, values: parseTermList(c, list, true), position };
  }
  const operator = expectOperator(c);
  return { kind: 'compare', column, element, operator, value: parseTerm(c), position };
}
