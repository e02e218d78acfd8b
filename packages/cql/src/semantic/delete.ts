/**
 * DELETE: without columns, a partition deletion (only the partition key
 * restricted, or a table without clustering columns), a row deletion (every
 * clustering column fixed) or range tombstones (a clustering prefix, or a
 * slice after it); with columns, cell tombstones, complex deletions of whole
 * collections and element tombstones.
 */
import { CLUSTERING_AFTER_PREFIX, type CqlValue, isCollection } from '@ringtail/codec';
import type { DeleteStatement, DeleteTarget } from '../ast-statements.js';
import { formatTerm } from '../format-terms.js';
import type { ColumnMetadata } from '../schema/metadata.js';
import type { MutationBuilder, PartitionDraft, RowDraft } from './builder.js';
import { invalidRequest } from './errors.js';
import { clusteringKey, elementPath, partitionKeyBytes } from './keys.js';
import { sliceRanges } from './slices.js';
import type { ConditionScope, PlannedTargets, RowTarget } from './targets.js';
import { termValue } from './terms.js';
import { READ_BEFORE_WRITE_NOTE } from './update.js';
import { analyseWhere, type ClusteringSlice } from './where.js';
import { deletionAt, tombstoneCell, type WriteContext } from './write-context.js';

interface ColumnDeletion {
  readonly column: ColumnMetadata;
  readonly apply: (row: RowDraft) => void;
}

function columnDeletion(target: DeleteTarget, context: WriteContext): ColumnDeletion {
  const { table } = context;
  const column = table.columns.find((c) => c.name === target.column);
  if (column === undefined) {
    throw invalidRequest(`Undefined column name ${target.column} in table ${table.keyspace}.${table.name}`);
  }
  if (column.kind === 'partition_key' || column.kind === 'clustering') {
    throw invalidRequest(`Invalid identifier ${column.name} for deletion (should not be a PRIMARY KEY part)`);
  }
  const type = column.type;
  if (target.element === null) {
    if (isCollection(type) && !type.frozen) {
      return { column, apply: (row) => row.deleteComplex(column.name, deletionAt(context, context.timestampMicros)) };
    }
    return { column, apply: (row) => row.addCell(tombstoneCell(context, column.name, undefined)) };
  }
  if (!isCollection(type)) throw invalidRequest(`Invalid deletion operation for non collection column ${column.name}`);
  if (type.frozen) throw invalidRequest(`Invalid deletion operation for frozen collection column ${column.name}`);
  if (type.kind === 'list') {
    throw invalidRequest(
      `Deleting a list element by index (${column.name}[${formatTerm(target.element)}]) is an operation ${READ_BEFORE_WRITE_NOTE}`,
    );
  }
  // Cassandra's receiver names: "key(m)" for a map key, "value(s)" for a set element.
  const elementType = type.kind === 'map' ? type.key : type.element;
  const what = type.kind === 'map' ? `"key(${column.name})"` : `"value(${column.name})"`;
  const element = termValue(target.element, elementType, { ...context.terms, what });
  if (element === null) throw invalidRequest(type.kind === 'map' ? 'Invalid null map key' : 'Invalid null set element');
  const path = elementPath(elementType, element);
  return { column, apply: (row) => row.addCell(tombstoneCell(context, column.name, path)) };
}

function deleteRows(
  partition: PartitionDraft,
  context: WriteContext,
  prefix: readonly CqlValue[],
  slice: ClusteringSlice | undefined,
): void {
  const { table } = context;
  const deletion = deletionAt(context, context.timestampMicros);
  if (slice !== undefined) {
    for (const { start, end } of sliceRanges(table, prefix, slice)) partition.deleteRange(start, end, deletion);
  } else if (prefix.length === 0) {
    partition.deletePartition(deletion);
  } else if (prefix.length === table.clustering.length) {
    partition.row(clusteringKey(table.clustering, prefix)).delete(deletion);
  } else {
    const start = clusteringKey(table.clustering, prefix);
    partition.deleteRange(start, start + CLUSTERING_AFTER_PREFIX, deletion);
  }
}

const MUST_RESTRICT_ALL = 'DELETE statements must restrict all PRIMARY KEY columns with equality relations';

/**
 * Adds the DELETE's tombstones to `builder`; returns the rows (or partitions,
 * clustering '') it names. `conditions` says which columns its IF clause
 * reads: a conditional DELETE must name whole rows, or only the static row
 * (Cassandra's rules and messages, DeleteStatement and StatementRestrictions).
 */
export function planDelete(
  statement: DeleteStatement,
  context: WriteContext,
  builder: MutationBuilder,
  conditions: ConditionScope | undefined,
): PlannedTargets {
  const { table } = context;
  const deletions = statement.targets.map((t) => columnDeletion(t, context));
  const keys = analyseWhere(statement.where, table, 'DELETE', context.terms);
  const deletesRegular = deletions.some((d) => d.column.kind === 'regular');
  const deletesStatic = deletions.some((d) => d.column.kind === 'static');
  const staticOnly =
    table.clustering.length > 0 &&
    !deletesRegular &&
    !(conditions?.regular ?? false) &&
    (deletesStatic || (conditions?.static ?? false));
  const restrictsClustering = keys.prefixLength > 0 || keys.slice !== undefined;
  if (staticOnly && restrictsClustering) {
    throw invalidRequest(
      'Invalid restrictions on clustering columns since the DELETE statement modifies only static columns',
    );
  }
  const wholeRows = keys.prefixLength === table.clustering.length && keys.slice === undefined;
  if (conditions !== undefined && !wholeRows) {
    if (deletesRegular) throw invalidRequest(`${MUST_RESTRICT_ALL} in order to delete non static columns`);
    if (conditions.regular)
      throw invalidRequest(`${MUST_RESTRICT_ALL} in order to use IF condition on non static columns`);
    if (!staticOnly) {
      const column = table.clustering[keys.prefixLength]!;
      throw invalidRequest(
        `${MUST_RESTRICT_ALL} in order to use IF conditions, but column '${column.name}' is not restricted`,
      );
    }
  }
  if (deletions.length > 0 && !staticOnly && !wholeRows) {
    throw invalidRequest('Range deletions are not supported for specific columns');
  }
  const targets: RowTarget[] = [];
  for (const partitionValues of keys.partitionKeys) {
    const key = partitionKeyBytes(table.partitionKey, partitionValues);
    const partition = builder.partition(table.id, key);
    for (const prefix of keys.clusteringPrefixes) {
      const clustering = clusteringKey(table.clustering, prefix);
      if (deletions.length === 0) deleteRows(partition, context, prefix, keys.slice);
      for (const d of deletions)
        d.apply(d.column.kind === 'static' ? partition.staticRow() : partition.row(clustering));
      targets.push({ partitionKey: key, clustering, clusteringValues: prefix });
    }
  }
  return { targets, partitionIn: keys.partitionIn, clusteringIn: keys.clusteringIn };
}
