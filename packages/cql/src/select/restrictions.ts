/**
 * WHERE clause → restrictions per column, with values typed against the
 * schema. Relations on one column merge as Cassandra merges them, with its
 * messages: an `=` or `IN` excludes any other relation, a slice takes at most
 * one bound per side; `!=` and `CONTAINS` only ever filter. What the merged
 * restrictions mean for the read (keys, slices, filters) is decided by
 * partition-plan.ts and clustering-plan.ts.
 */
import {
  type CqlType,
  type CqlValue,
  compareValues,
  formatCqlType,
  isMultiCell,
  type Random,
  valueFromJson,
} from '@ringtail/codec';
import type { ContainsRelation, Relation, Term } from '../ast.js';
import { formatRelation } from '../format-terms.js';
import type { ColumnMetadata, TableMetadata } from '../schema/metadata.js';
import { invalidRequest, messageOf } from '../semantic/errors.js';
import { type BindValues, boundJson, type TermContext, termValue } from '../semantic/terms.js';
import { type TokenBounds, tokenBound } from './token.js';

export interface Bound {
  readonly value: CqlValue;
  readonly inclusive: boolean;
}

/** Everything said about one column by single-column relations. */
export interface ColumnRestriction {
  readonly column: ColumnMetadata;
  /** `=` (one value, `isIn` false) or `IN` (deduplicated, in CQL order; maybe empty). */
  values: CqlValue[] | undefined;
  isIn: boolean;
  lower: Bound | undefined;
  upper: Bound | undefined;
  readonly notEqual: CqlValue[];
  readonly contains: CqlValue[];
  readonly containsKey: CqlValue[];
}

export interface TupleBound {
  readonly columns: readonly ColumnMetadata[];
  readonly values: readonly CqlValue[];
  readonly inclusive: boolean;
}

/** Multi-column relations (`(c1, c2) op ...`), merged. */
export interface TupleRestrictions {
  /** `(c1, c2) = (…)` (one tuple, `isIn` false) or `IN ((…), …)`. */
  equal:
    | { readonly columns: readonly ColumnMetadata[]; readonly tuples: CqlValue[][]; readonly isIn: boolean }
    | undefined;
  lower: TupleBound | undefined;
  upper: TupleBound | undefined;
}

export interface Restrictions {
  readonly byColumn: Map<string, ColumnRestriction>;
  tuples: TupleRestrictions | undefined;
  token: TokenBounds | undefined;
}

export interface ValueContext {
  readonly binds: BindValues;
  readonly nowMicros: number;
  readonly random: Random;
}

function columnOf(table: TableMetadata, name: string): ColumnMetadata {
  const column = table.columns.find((c) => c.name === name);
  if (column === undefined) throw invalidRequest(`Undefined column name ${name}`);
  return column;
}

function termContext(context: ValueContext, what: string): TermContext {
  return { binds: context.binds, nowMicros: context.nowMicros, random: context.random, what };
}

/** A non-null value of `type` for a relation on `column`. */
function relationValue(term: Term, type: CqlType, column: string, context: ValueContext): CqlValue {
  const value = termValue(term, type, termContext(context, `"${column}"`));
  if (value === null) throw invalidRequest(`Invalid null value in condition for column ${column}`);
  return value;
}

function frozenListOf(type: CqlType): CqlType {
  return { kind: 'list', element: type, frozen: true };
}

/** Sorted, without duplicates (CQL equality: 1.0 and 1.00 are one decimal). */
function distinctValues(type: CqlType, values: readonly CqlValue[]): CqlValue[] {
  const sorted = [...values].sort((a, b) => compareValues(type, a, b));
  return sorted.filter((v, i) => i === 0 || compareValues(type, sorted[i - 1]!, v) !== 0);
}

function restrictionOf(restrictions: Restrictions, column: ColumnMetadata): ColumnRestriction {
  let r = restrictions.byColumn.get(column.name);
  if (r === undefined) {
    r = {
      column,
      values: undefined,
      isIn: false,
      lower: undefined,
      upper: undefined,
      notEqual: [],
      contains: [],
      containsKey: [],
    };
    restrictions.byColumn.set(column.name, r);
  }
  return r;
}

function checkNoEquality(r: ColumnRestriction): void {
  if (r.values === undefined) return;
  const what = r.isIn ? 'a IN' : 'an Equal';
  throw invalidRequest(`${r.column.name} cannot be restricted by more than one relation if it includes ${what}`);
}

function setValues(r: ColumnRestriction, values: CqlValue[], isIn: boolean): void {
  checkNoEquality(r);
  if (r.lower !== undefined || r.upper !== undefined) {
    throw invalidRequest(
      `Column "${r.column.name}" cannot be restricted by both an equality and an inequality relation`,
    );
  }
  r.values = values;
  r.isIn = isIn;
}

function setBound(r: ColumnRestriction, operator: '<' | '<=' | '>' | '>=', value: CqlValue): void {
  checkNoEquality(r);
  const bound = { value, inclusive: operator.endsWith('=') };
  if (operator.startsWith('>')) {
    if (r.lower !== undefined) {
      throw invalidRequest(`More than one restriction was found for the start bound on ${r.column.name}`);
    }
    r.lower = bound;
  } else {
    if (r.upper !== undefined) {
      throw invalidRequest(`More than one restriction was found for the end bound on ${r.column.name}`);
    }
    r.upper = bound;
  }
}

function checkNotMultiCell(column: ColumnMetadata, operator: string): void {
  if (isMultiCell(column.type)) {
    const type = formatCqlType(column.type);
    throw invalidRequest(
      `Collection column '${column.name}' (${type}) cannot be restricted by a '${operator}' relation`,
    );
  }
}

function addContains(relation: ContainsRelation, column: ColumnMetadata, r: ColumnRestriction, context: ValueContext) {
  const type = column.type;
  if (relation.key) {
    if (type.kind !== 'map') throw invalidRequest(`Cannot use CONTAINS KEY on non-map column ${column.name}`);
    r.containsKey.push(relationValue(relation.value, type.key, column.name, context));
    return;
  }
  if (type.kind === 'map') r.contains.push(relationValue(relation.value, type.value, column.name, context));
  else if (type.kind === 'list' || type.kind === 'set') {
    r.contains.push(relationValue(relation.value, type.element, column.name, context));
  } else throw invalidRequest(`Cannot use CONTAINS on non-collection column ${column.name}`);
}

function tupleFromJson(json: unknown, columns: readonly ColumnMetadata[]): CqlValue[] {
  const names = columns.map((c) => c.name).join(', ');
  if (!Array.isArray(json)) throw invalidRequest(`Invalid value for (${names}): expected a JSON array`);
  if (json.length !== columns.length) {
    throw invalidRequest(`Expected ${columns.length} elements in value tuple, but got ${json.length}`);
  }
  return json.map((element, i) => {
    const column = columns[i]!;
    let value: CqlValue | null;
    try {
      value = valueFromJson(column.type, element);
    } catch (error) {
      throw invalidRequest(`Invalid value for "${column.name}": ${messageOf(error)}`, error);
    }
    if (value === null) throw invalidRequest(`Invalid null value in condition for column ${column.name}`);
    return value;
  });
}

/** The values of a tuple term (literal or bind marker) for `columns`. */
function tupleValues(term: Term, columns: readonly ColumnMetadata[], context: ValueContext): CqlValue[] {
  if (term.kind === 'bindMarker') return tupleFromJson(boundJson(term, context.binds), columns);
  if (term.kind !== 'tuple') {
    throw invalidRequest(`Expected a tuple of ${columns.length} values for (${columns.map((c) => c.name).join(', ')})`);
  }
  if (term.elements.length !== columns.length) {
    throw invalidRequest(`Expected ${columns.length} elements in value tuple, but got ${term.elements.length}`);
  }
  return term.elements.map((e, i) => relationValue(e, columns[i]!.type, columns[i]!.name, context));
}

function tupleColumns(relation: Relation & { columns: readonly string[] }, table: TableMetadata): ColumnMetadata[] {
  const columns: ColumnMetadata[] = [];
  for (const name of relation.columns) {
    const column = columnOf(table, name);
    if (column.kind !== 'clustering') {
      throw invalidRequest(
        `Multi-column relations can only be applied to clustering columns but was applied to: ${name}`,
      );
    }
    if (columns.includes(column)) {
      throw invalidRequest(`Column "${name}" appeared twice in a relation: ${formatRelation(relation)}`);
    }
    const previous = columns[columns.length - 1];
    if (previous !== undefined && column.position !== previous.position + 1) {
      throw invalidRequest(
        `Clustering columns must appear in the PRIMARY KEY order in multi-column relations: ${formatRelation(relation)}`,
      );
    }
    columns.push(column);
  }
  return columns;
}

function addTupleRelation(
  relation: Extract<Relation, { kind: 'tupleCompare' | 'tupleIn' | 'tupleInMarker' }>,
  restrictions: Restrictions,
  table: TableMetadata,
  context: ValueContext,
): void {
  const columns = tupleColumns(relation, table);
  restrictions.tuples ??= { equal: undefined, lower: undefined, upper: undefined };
  const tuples = restrictions.tuples;
  const names = columns.map((c) => c.name).join(', ');
  if (tuples.equal !== undefined) {
    const what = tuples.equal.isIn ? 'a IN' : 'an Equal';
    throw invalidRequest(`${names} cannot be restricted by more than one relation if it includes ${what}`);
  }
  if (relation.kind === 'tupleCompare') {
    if (relation.operator === '!=') throw invalidRequest(`Unsupported "!=" relation: ${formatRelation(relation)}`);
    const values = tupleValues(relation.value, columns, context);
    if (relation.operator === '=') {
      if (tuples.lower !== undefined || tuples.upper !== undefined) {
        throw invalidRequest(
          `Column "${columns[0]!.name}" cannot be restricted by both an equality and an inequality relation`,
        );
      }
      tuples.equal = { columns, tuples: [values], isIn: false };
      return;
    }
    const bound = { columns, values, inclusive: relation.operator.endsWith('=') };
    const side = relation.operator.startsWith('>') ? 'lower' : 'upper';
    if (tuples[side] !== undefined) {
      const which = side === 'lower' ? 'start' : 'end';
      throw invalidRequest(`More than one restriction was found for the ${which} bound on ${names}`);
    }
    tuples[side] = bound;
    return;
  }
  if (tuples.lower !== undefined || tuples.upper !== undefined) {
    throw invalidRequest(
      `Column "${columns[0]!.name}" cannot be restricted by both an equality and an inequality relation`,
    );
  }
  let list: CqlValue[][];
  if (relation.kind === 'tupleIn') list = relation.values.map((t) => tupleValues(t, columns, context));
  else {
    const json = boundJson(relation.marker, context.binds);
    if (!Array.isArray(json)) throw invalidRequest(`Invalid value for (${names}) IN: expected a JSON array of tuples`);
    list = json.map((tuple) => tupleFromJson(tuple, columns));
  }
  tuples.equal = { columns, tuples: list, isIn: true };
}

/** Types every relation of the WHERE clause and merges them per column. */
export function collectRestrictions(
  where: readonly Relation[],
  table: TableMetadata,
  context: ValueContext,
): Restrictions {
  const restrictions: Restrictions = { byColumn: new Map(), tuples: undefined, token: undefined };
  for (const relation of where) {
    switch (relation.kind) {
      case 'token':
        restrictions.token = tokenBound(relation, restrictions.token, table, (term, type, what) =>
          termValue(term, type, termContext(context, what)),
        );
        break;
      case 'tupleCompare':
      case 'tupleIn':
      case 'tupleInMarker':
        addTupleRelation(relation, restrictions, table, context);
        break;
      case 'contains': {
        const column = columnOf(table, relation.column);
        addContains(relation, column, restrictionOf(restrictions, column), context);
        break;
      }
      case 'compare': {
        const column = columnOf(table, relation.column);
        const r = restrictionOf(restrictions, column);
        checkNotMultiCell(column, relation.operator);
        const value = relationValue(relation.value, column.type, column.name, context);
        if (relation.operator === '!=') r.notEqual.push(value);
        else if (relation.operator === '=') setValues(r, [value], false);
        else setBound(r, relation.operator, value);
        break;
      }
      case 'in':
      case 'inMarker': {
        const column = columnOf(table, relation.column);
        const r = restrictionOf(restrictions, column);
        checkNotMultiCell(column, 'IN');
        let values: CqlValue[];
        if (relation.kind === 'in')
          values = relation.values.map((t) => relationValue(t, column.type, column.name, context));
        else {
          const list = termValue(relation.marker, frozenListOf(column.type), termContext(context, `"${column.name}"`));
          if (list === null) throw invalidRequest(`Invalid null value for IN restriction on column ${column.name}`);
          values = [...(list as readonly CqlValue[])];
        }
        setValues(r, distinctValues(column.type, values), true);
        break;
      }
    }
  }
  return restrictions;
}

/** Whether `r` holds an `=`, `IN` or slice (what can drive keys and clustering slices). */
export function hasKeyRestriction(r: ColumnRestriction | undefined): boolean {
  return r !== undefined && (r.values !== undefined || r.lower !== undefined || r.upper !== undefined);
}
