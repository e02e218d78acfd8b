/**
 * SELECT planning: a parsed statement and its table's metadata → a
 * SelectPlan, validated as Cassandra validates it (docs/cql.md, "SELECT:
 * semantics"). The plan holds typed values, encoded keys and slices; it does
 * no I/O. Planning computes tokens (xxhash64): initChecksums() must have
 * resolved.
 */
import type { Random } from '@ringtail/codec';
import type { SelectStatement } from '../ast-statements.js';
import { formatStatement } from '../format.js';
import type { ColumnMetadata, TableMetadata } from '../schema/metadata.js';
import { invalidRequest } from '../semantic/errors.js';
import { type BindValues, checkBindValues, termValue } from '../semantic/terms.js';
import { planClustering } from './clustering-plan.js';
import { columnFilter, type RowFilter } from './filters.js';
import { type PartitionSelection, planPartitions, REQUIRES_ALLOW_FILTERING_MESSAGE } from './partition-plan.js';
import type { ClusteringRange } from './ranges.js';
import { collectRestrictions, type ValueContext } from './restrictions.js';
import { type OutputColumn, planSelection } from './selection.js';

export interface SelectPlanOptions {
  readonly binds: BindValues;
  /** The statement's clock reading, for `now()` and friends in the WHERE clause. */
  readonly nowMicros: number;
  readonly random: Random;
}

export interface SelectPlan {
  readonly table: TableMetadata;
  readonly partitions: PartitionSelection;
  /** Clusterings to read, sorted and disjoint, in clustering byte order. */
  readonly clustering: readonly ClusteringRange[];
  /** Checked on every decoded row (ALLOW FILTERING). */
  readonly filters: readonly RowFilter[];
  /** Rows of a partition in reverse clustering order (ORDER BY against the declared order). */
  readonly reversed: boolean;
  /** ORDER BY with IN on the partition key: rows of all partitions merged in clustering order. */
  readonly mergePartitions: boolean;
  readonly output: readonly OutputColumn[];
  /** SELECT JSON: one text column `[json]` holding each row as a JSON object. */
  readonly json: boolean;
  readonly distinct: boolean;
  /** COUNT: one row over everything selected, never paged. */
  readonly aggregate: boolean;
  /** A partition with static data but no rows yields one row with null clustering and regular columns. */
  readonly staticRowsForEmptyPartitions: boolean;
  readonly limit: number | undefined;
  readonly perPartitionLimit: number | undefined;
  /** Identifies the query (table, text, bind values) for paging states. */
  readonly fingerprint: string;
}

function positiveLimit(
  term: SelectStatement['limit'],
  label: string,
  what: string,
  context: ValueContext,
): number | undefined {
  if (term === null) return undefined;
  const value = termValue(term, { kind: 'int' }, { ...context, what });
  if (value === null) throw invalidRequest(`Invalid null value of ${label.toLowerCase()}`);
  if ((value as number) <= 0) throw invalidRequest(`${label} must be strictly positive`);
  return value as number;
}

/** Whether rows come in reverse clustering order, after Cassandra's checks of the ORDER BY clause. */
function orderReversed(
  statement: SelectStatement,
  table: TableMetadata,
  isKeyRange: boolean,
  equalColumns: ReadonlySet<string>,
): boolean {
  if (statement.orderBy.length === 0) return false;
  const orders = statement.orderBy.map((o) => {
    const column = table.columns.find((c) => c.name === o.column);
    if (column === undefined) throw invalidRequest(`Undefined column name ${o.column}`);
    return { column, direction: o.direction };
  });
  if (isKeyRange)
    throw invalidRequest('ORDER BY is only supported when the partition key is restricted by an EQ or an IN.');
  let next = 0;
  let reversed: boolean | undefined;
  for (const { column, direction } of orders) {
    if (column.kind !== 'clustering') {
      throw invalidRequest(
        `Order by is currently only supported on the clustered columns of the PRIMARY KEY, got ${column.name}`,
      );
    }
    while (next !== column.position) {
      const skipped = table.clustering[next++];
      if (skipped === undefined || !equalColumns.has(skipped.name)) {
        throw invalidRequest(
          'Order by currently only supports the ordering of columns following their declared order in the PRIMARY KEY',
        );
      }
    }
    next++;
    const columnReversed = direction !== (column.clusteringOrder ?? 'asc');
    if (reversed !== undefined && reversed !== columnReversed) throw invalidRequest('Unsupported order by relation');
    reversed = columnReversed;
  }
  return reversed ?? false;
}

function checkDistinct(
  output: readonly OutputColumn[],
  table: TableMetadata,
  isKeyRange: boolean,
  restrictsRows: boolean,
): void {
  if (restrictsRows) {
    throw invalidRequest(
      'SELECT DISTINCT with WHERE clause only supports restriction by partition key and/or static columns.',
    );
  }
  const selected = new Set<ColumnMetadata>();
  for (const { selector } of output) {
    if (!('column' in selector)) continue;
    const column = selector.column;
    if (column.kind !== 'partition_key' && column.kind !== 'static') {
      throw invalidRequest(
        `SELECT DISTINCT queries must only request partition key columns and/or static columns (not ${column.name})`,
      );
    }
    if (selector.kind === 'column') selected.add(column);
  }
  if (!isKeyRange) return;
  for (const column of table.partitionKey) {
    if (!selected.has(column)) {
      throw invalidRequest(
        `SELECT DISTINCT queries must request all the partition key columns (missing ${column.name})`,
      );
    }
  }
}

export function planSelect(statement: SelectStatement, table: TableMetadata, options: SelectPlanOptions): SelectPlan {
  checkBindValues(statement.bindMarkerCount, options.binds);
  const context: ValueContext = { binds: options.binds, nowMicros: options.nowMicros, random: options.random };
  const selection = planSelection(statement, table);
  const restrictions = collectRestrictions(statement.where, table, context);
  const allowFiltering = statement.allowFiltering;
  const partition = planPartitions(restrictions, table, allowFiltering);
  const selectedKinds = new Set(selection.columns.map((c) => c.kind));
  const onlyStatic =
    !statement.wildcard &&
    selectedKinds.has('static') &&
    !selectedKinds.has('clustering') &&
    !selectedKinds.has('regular');
  const clustering = planClustering(restrictions, table, allowFiltering);
  if (onlyStatic && clustering.restricted) {
    throw invalidRequest('Cannot restrict clustering columns when selecting only static columns');
  }
  // Cassandra's checkNeedsFiltering: slicing the rows of every partition of a range is filtering too.
  const clusteringFilters = clustering.filters.length > 0 || (partition.isKeyRange && clustering.restricted);
  if (clusteringFilters && !allowFiltering) throw invalidRequest(REQUIRES_ALLOW_FILTERING_MESSAGE);
  const otherFilters: RowFilter[] = [];
  let filtersRegular = false;
  for (const r of restrictions.byColumn.values()) {
    if (r.column.kind !== 'static' && r.column.kind !== 'regular') continue;
    const filter = columnFilter(r);
    if (filter !== undefined) otherFilters.push(filter);
    filtersRegular ||= r.column.kind === 'regular';
  }
  if (otherFilters.length > 0 && !allowFiltering) throw invalidRequest(REQUIRES_ALLOW_FILTERING_MESSAGE);
  const restrictsRows = clustering.restricted || filtersRegular;
  if (statement.distinct) checkDistinct(selection.output, table, partition.isKeyRange, restrictsRows);
  const reversed = orderReversed(statement, table, partition.isKeyRange, clustering.equalColumns);
  const limit = positiveLimit(statement.limit, 'LIMIT', '[limit]', context);
  const perPartitionLimit = positiveLimit(
    statement.perPartitionLimit,
    'PER PARTITION LIMIT',
    '[per_partition_limit]',
    context,
  );
  if (perPartitionLimit !== undefined && statement.distinct) {
    throw invalidRequest('PER PARTITION LIMIT is not allowed with SELECT DISTINCT queries');
  }
  const filters = [...partition.filters, ...clustering.filters, ...otherFilters];
  const selectsStatic = selection.columns.some((c) => c.kind === 'static');
  const selectedPartitions = partition.selection;
  return {
    table,
    partitions: selectedPartitions,
    clustering: clustering.ranges,
    filters,
    reversed,
    mergePartitions:
      statement.orderBy.length > 0 && selectedPartitions.kind === 'keys' && selectedPartitions.keys.length > 1,
    output: selection.output,
    json: statement.json,
    distinct: statement.distinct,
    aggregate: selection.aggregate,
    staticRowsForEmptyPartitions: selectsStatic && !restrictsRows,
    limit,
    perPartitionLimit,
    fingerprint: `${table.id}\u0000${formatStatement(statement)}\u0000${JSON.stringify(options.binds)}`,
  };
}
