/**
 * UPDATE: cells (no primary-key liveness, so a row whose cells are all
 * deleted disappears), collection operations as element cells and element
 * tombstones. Operations that would need the current value first — setting
 * or removing a list element by index or by value — are refused, as is every
 * counter operation (counter tables are not supported yet; docs/cql.md).
 */
import { type CqlType, type CqlValue, isCollection, serializeValue } from '@ringtail/codec';
import type { Assignment, UpdateStatement } from '../ast-statements.js';
import { formatTerm } from '../format-terms.js';
import { formatIdentifier } from '../keywords.js';
import type { ColumnMetadata, TableMetadata } from '../schema/metadata.js';
import type { MutationBuilder, RowDraft } from './builder.js';
import { invalidRequest } from './errors.js';
import { clusteringKey, elementPath, partitionKeyBytes } from './keys.js';
import type { ConditionScope, PlannedTargets, RowTarget } from './targets.js';
import { termValue } from './terms.js';
import { analyseWhere } from './where.js';
import { addElements, tombstoneCell, valueCell, type WriteContext, writeColumnValue } from './write-context.js';

/** One validated assignment, ready to apply to any row. */
interface Operation {
  readonly column: ColumnMetadata;
  readonly apply: (row: RowDraft) => void;
}

export const READ_BEFORE_WRITE_NOTE = 'which needs a read before the write; Ringtail does not support it yet';

function describe(a: Assignment): string {
  const c = formatIdentifier(a.column);
  switch (a.kind) {
    case 'set':
      return `${c} = ${formatTerm(a.value)}`;
    case 'setElement':
      return `${c}[${formatTerm(a.element)}] = ${formatTerm(a.value)}`;
    case 'add':
      return `${c} = ${c} + ${formatTerm(a.value)}`;
    case 'subtract':
      return `${c} = ${c} - ${formatTerm(a.value)}`;
    case 'prepend':
      return `${c} = ${formatTerm(a.value)} + ${c}`;
  }
}

function assignedColumn(table: TableMetadata, name: string): ColumnMetadata {
  const column = table.columns.find((c) => c.name === name);
  if (column === undefined)
    throw invalidRequest(`Undefined column name ${name} in table ${table.keyspace}.${table.name}`);
  if (column.kind === 'partition_key' || column.kind === 'clustering') {
    throw invalidRequest(`PRIMARY KEY part ${name} found in SET part`);
  }
  return column;
}

function operation(assignment: Assignment, context: WriteContext): Operation {
  const column = assignedColumn(context.table, assignment.column);
  const type = column.type;
  const what = `"${column.name}"`;
  const typed = (term: Parameters<typeof termValue>[0], as: CqlType = type) =>
    termValue(term, as, { ...context.terms, what });
  const text = () => describe(assignment);
  if (assignment.kind === 'set') {
    const value = typed(assignment.value);
    return { column, apply: (row) => writeColumnValue(row, context, column, value) };
  }
  if (!isCollection(type)) {
    if (assignment.kind === 'setElement')
      throw invalidRequest(`Invalid operation (${text()}) for non collection column ${column.name}`);
    throw invalidRequest(`Invalid operation (${text()}) for non counter column ${column.name}`);
  }
  if (type.frozen) throw invalidRequest(`Invalid operation (${text()}) for frozen collection column ${column.name}`);
  switch (assignment.kind) {
    case 'setElement': {
      if (type.kind === 'list') {
        throw invalidRequest(`Setting a list element by index (${text()}) is an operation ${READ_BEFORE_WRITE_NOTE}`);
      }
      if (type.kind !== 'map') throw invalidRequest(`Invalid operation (${text()}) for set column ${column.name}`);
      const key = termValue(assignment.element, type.key, { ...context.terms, what: `"key(${column.name})"` });
      if (key === null) throw invalidRequest('Invalid null map key');
      const value = termValue(assignment.value, type.value, { ...context.terms, what: `"value(${column.name})"` });
      const path = elementPath(type.key, key);
      return {
        column,
        apply: (row) =>
          row.addCell(
            value === null
              ? tombstoneCell(context, column.name, path)
              : valueCell(context, column.name, path, serializeValue(type.value, value)),
          ),
      };
    }
    case 'add': {
      const value = typed(assignment.value);
      return { column, apply: (row) => value !== null && addElements(row, context, column, value) };
    }
    case 'prepend': {
      if (type.kind !== 'list')
        throw invalidRequest(`Invalid operation (${text()}) for non list column ${column.name}`);
      const value = typed(assignment.value);
      return { column, apply: (row) => value !== null && addElements(row, context, column, value, 'prepend') };
    }
    case 'subtract': {
      if (type.kind === 'list') {
        throw invalidRequest(`Removing list elements by value (${text()}) is an operation ${READ_BEFORE_WRITE_NOTE}`);
      }
      // `m = m - {k, ...}` takes the keys to remove, as a set.
      const elementType = type.kind === 'map' ? type.key : type.element;
      const removed = typed(assignment.value, { kind: 'set', element: elementType, frozen: false });
      const paths = ((removed ?? []) as readonly CqlValue[]).map((e) => elementPath(elementType, e));
      return {
        column,
        apply: (row) => {
          for (const p of paths) row.addCell(tombstoneCell(context, column.name, p));
        },
      };
    }
  }
}

/** Cassandra refuses two assignments to one column unless both set map entries. */
function checkCompatible(assignments: readonly Assignment[]): void {
  const seen = new Map<string, Assignment['kind']>();
  for (const a of assignments) {
    const previous = seen.get(a.column);
    if (previous !== undefined && (previous !== 'setElement' || a.kind !== 'setElement')) {
      throw invalidRequest(`Multiple incompatible setting of column ${a.column}`);
    }
    seen.set(a.column, a.kind);
  }
}

/**
 * Adds the UPDATE's writes to `builder`; returns the rows written. An UPDATE
 * whose assignments and IF conditions (`conditions`) touch only static
 * columns writes the static row and may not restrict clustering columns.
 */
export function planUpdate(
  statement: UpdateStatement,
  context: WriteContext,
  builder: MutationBuilder,
  conditions: ConditionScope | undefined,
): PlannedTargets {
  const { table } = context;
  checkCompatible(statement.assignments);
  const operations = statement.assignments.map((a) => operation(a, context));
  const keys = analyseWhere(statement.where, table, 'UPDATE', context.terms);
  const staticOnly =
    table.clustering.length > 0 &&
    operations.every((op) => op.column.kind === 'static') &&
    !(conditions?.regular ?? false);
  if (keys.slice !== undefined) {
    throw invalidRequest('Slice restrictions are not supported on the clustering columns in UPDATE statements');
  }
  if (staticOnly && keys.prefixLength > 0) {
    throw invalidRequest(
      'Invalid restrictions on clustering columns since the UPDATE statement modifies only static columns',
    );
  }
  if (!staticOnly && keys.prefixLength < table.clustering.length) {
    const missing = table.clustering.slice(keys.prefixLength).map((c) => c.name);
    throw invalidRequest(`Some clustering keys are missing: ${missing.join(', ')}`);
  }
  const targets: RowTarget[] = [];
  for (const partitionValues of keys.partitionKeys) {
    const key = partitionKeyBytes(table.partitionKey, partitionValues);
    const partition = builder.partition(table.id, key);
    for (const prefix of keys.clusteringPrefixes) {
      const clustering = clusteringKey(table.clustering, prefix);
      for (const op of operations)
        op.apply(op.column.kind === 'static' ? partition.staticRow() : partition.row(clustering));
      targets.push({ partitionKey: key, clustering, clusteringValues: prefix });
    }
  }
  return { targets, partitionIn: keys.partitionIn, clusteringIn: keys.clusteringIn };
}
