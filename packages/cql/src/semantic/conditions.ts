/**
 * IF conditions, typed against the table: `IF NOT EXISTS` (INSERT), `IF
 * EXISTS` and `IF c op v AND m[k] op v AND c IN (...)` (UPDATE, DELETE). The
 * node evaluates them against the current row before applying the write.
 */
import type { CqlType, CqlValue } from '@ringtail/codec';
import type { ColumnCondition, UpdateCondition } from '../ast.js';
import type { TableMetadata } from '../schema/metadata.js';
import { MAX_IN_VALUES } from './constants.js';
import { invalidRequest, limitExceeded } from './errors.js';
import type { ColumnCheck, RowCondition } from './plan.js';
import { termValue } from './terms.js';
import type { Terms } from './write-context.js';

function check(condition: ColumnCondition, table: TableMetadata, terms: Terms): ColumnCheck {
  const column = table.columns.find((c) => c.name === condition.column);
  if (column === undefined) {
    throw invalidRequest(`Undefined column name ${condition.column} in table ${table.keyspace}.${table.name}`);
  }
  if (column.kind === 'partition_key' || column.kind === 'clustering') {
    throw invalidRequest(`PRIMARY KEY column '${column.name}' cannot have IF conditions`);
  }
  let valueType: CqlType = column.type;
  let element: ColumnCheck['element'];
  let what = `"${column.name}"`;
  if (condition.element !== null) {
    // Cassandra's messages and receiver names (ColumnCondition.Raw.prepare, Maps.keySpecOf, Lists.indexSpecOf).
    const type = column.type;
    if (type.kind === 'set') throw invalidRequest(`Invalid element access syntax for set column ${column.name}`);
    if (type.kind !== 'list' && type.kind !== 'map') {
      throw invalidRequest(`Invalid element access syntax for non-collection column ${column.name}`);
    }
    const elementType: CqlType = type.kind === 'map' ? type.key : { kind: 'int' };
    const elementWhat = type.kind === 'map' ? `"key(${column.name})"` : `"idx(${column.name})"`;
    const value = termValue(condition.element, elementType, { ...terms, what: elementWhat });
    if (value === null) throw invalidRequest(`Invalid null value for ${type.kind} element access`);
    element = { type: elementType, value };
    valueType = type.kind === 'map' ? type.value : type.element;
    what = `"value(${column.name})"`;
  }
  if (condition.kind === 'compare') {
    const value = termValue(condition.value, valueType, { ...terms, what });
    if (value === null && condition.operator !== '=' && condition.operator !== '!=') {
      throw invalidRequest(`Invalid comparison with null for operator "${condition.operator}"`);
    }
    return {
      column: column.name,
      type: column.type,
      isStatic: column.kind === 'static',
      element,
      operator: condition.operator,
      values: [value],
    };
  }
  let values: (CqlValue | null)[];
  if (condition.kind === 'in') values = condition.values.map((t) => termValue(t, valueType, { ...terms, what }));
  else {
    const list = termValue(condition.marker, { kind: 'list', element: valueType, frozen: true }, { ...terms, what });
    if (list === null) throw invalidRequest('Invalid null list in IN condition');
    values = [...(list as readonly CqlValue[])];
  }
  if (values.length > MAX_IN_VALUES) {
    throw limitExceeded(
      `IN condition on column ${column.name} has ${values.length} values, more than the limit of ${MAX_IN_VALUES}`,
    );
  }
  return {
    column: column.name,
    type: column.type,
    isStatic: column.kind === 'static',
    element,
    operator: 'in',
    values,
  };
}

/** The typed form of an UPDATE's or DELETE's IF clause. */
export function rowCondition(condition: UpdateCondition, table: TableMetadata, terms: Terms): RowCondition {
  if (condition.kind === 'exists') return { kind: 'exists' };
  return { kind: 'columns', checks: condition.conditions.map((c) => check(c, table, terms)) };
}
