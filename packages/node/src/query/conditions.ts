/**
 * Conditional writes on one node: the planner's RowChecks evaluated against
 * the partition as a read at `nowSec` sees it, and Cassandra's answer when
 * they fail (ModificationStatement.buildCasResultSet):
 *
 * - `[applied]` (boolean) comes first, then the current values of the
 *   columns the conditions name (every column for IF EXISTS / IF NOT EXISTS;
 *   in a batch, the primary key columns first), one row per checked row that
 *   exists — none when nothing exists, leaving `[applied]` alone.
 * - A condition on a missing row or cell sees null: `c = null` holds,
 *   `c != 1` holds, `c < 1` does not.
 */
import {
  type Cell,
  type CqlType,
  type CqlValue,
  compareValues,
  coveringDeletion,
  decodeComparableKey,
  formatCqlType,
  isMultiCell,
  type JsonValue,
  type LiveRow,
  liveRow,
  type PartitionUpdate,
  type Row,
  valueToJson,
} from '@ringtail/codec';
import {
  type ColumnCheck,
  type ColumnMetadata,
  cellsValue,
  type PlannedConditions,
  type RowCheck,
  type TableMetadata,
} from '@ringtail/cql';
import type { CqlAppliedResponse, CqlColumn } from '../query-handler.js';

export const APPLIED_COLUMN = '[applied]';

/** Cells of columns the table has, except those written before their column was dropped (as the read path). */
function visibility(table: TableMetadata): (cell: Cell) => boolean {
  const names = new Set(table.columns.map((c) => c.name));
  const droppedAt = new Map<string, number>();
  for (const d of table.droppedColumns ?? []) {
    droppedAt.set(d.name, Math.max(d.droppedAtMicros, droppedAt.get(d.name) ?? Number.NEGATIVE_INFINITY));
  }
  return (cell) =>
    names.has(cell.column) && cell.timestampMicros > (droppedAt.get(cell.column) ?? Number.NEGATIVE_INFINITY);
}

/** The partition as the conditions see it. */
class PartitionState {
  readonly staticRow: LiveRow | undefined;
  private readonly visible: (cell: Cell) => boolean;

  constructor(
    private readonly partition: PartitionUpdate | undefined,
    table: TableMetadata,
    private readonly nowSec: number,
  ) {
    this.visible = visibility(table);
    const raw = partition?.staticRow;
    this.staticRow = raw === undefined ? undefined : liveRow(this.withVisibleCells(raw), partition?.deletion, nowSec);
  }

  row(clustering: string): LiveRow | undefined {
    const partition = this.partition;
    if (partition === undefined) return undefined;
    const rows = partition.rows;
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (rows[mid]!.clustering < clustering) lo = mid + 1;
      else hi = mid;
    }
    const raw = rows[lo];
    if (raw === undefined || raw.clustering !== clustering) return undefined;
    const deletion = coveringDeletion(partition.deletion, partition.rangeTombstones, clustering);
    return liveRow(this.withVisibleCells(raw), deletion, this.nowSec);
  }

  /** The row a check reads: the static row, or the row at its clustering. */
  checked(check: RowCheck): LiveRow | undefined {
    return check.isStatic ? this.staticRow : this.row(check.clustering);
  }

  private withVisibleCells(row: Row): Row {
    return row.cells.every(this.visible) ? row : { ...row, cells: row.cells.filter(this.visible) };
  }
}

/** A column's value from a live row's cells; null when absent (an empty collection too). */
function columnValue(name: string, type: CqlType, row: LiveRow | undefined): CqlValue | null {
  return row === undefined
    ? null
    : cellsValue(
        type,
        row.cells.filter((c) => c.column === name),
      );
}

/** `m[k]` or `l[i]` of a collection value; null when absent. */
function elementValue(type: CqlType, collection: CqlValue | null, element: CqlValue): CqlValue | null {
  if (collection === null) return null;
  if (type.kind === 'map') {
    const entries = collection as ReadonlyArray<readonly [CqlValue, CqlValue]>;
    return entries.find(([key]) => compareValues(type.key, key, element) === 0)?.[1] ?? null;
  }
  if (type.kind === 'list') return (collection as readonly CqlValue[])[element as number] ?? null;
  return null;
}

/** The type a check's values have: the column's, or its collection's element value type. */
function checkedType(check: ColumnCheck): CqlType {
  if (check.element === undefined) return check.type;
  if (check.type.kind === 'map') return check.type.value;
  if (check.type.kind === 'list') return check.type.element;
  return check.type;
}

function columnHolds(check: ColumnCheck, row: LiveRow | undefined): boolean {
  let current = columnValue(check.column, check.type, row);
  if (check.element !== undefined) current = elementValue(check.type, current, check.element.value);
  const type = checkedType(check);
  // A non-frozen collection never holds an empty value: `l = []` means "l is null".
  const expected = check.values.map((v) =>
    check.element === undefined && isMultiCell(type) && Array.isArray(v) && v.length === 0 ? null : v,
  );
  const equal = (v: CqlValue | null) => compareValues(type, current, v) === 0;
  switch (check.operator) {
    case '=':
      return equal(expected[0] ?? null);
    case '!=':
      return !equal(expected[0] ?? null);
    case 'in':
      return expected.some(equal);
    default: {
      const value = expected[0] ?? null;
      if (current === null || value === null) return false;
      const order = compareValues(type, current, value);
      if (check.operator === '<') return order < 0;
      if (check.operator === '<=') return order <= 0;
      if (check.operator === '>') return order > 0;
      return order >= 0;
    }
  }
}

function rowHolds(check: RowCheck, state: PartitionState): boolean {
  const row = state.checked(check);
  const condition = check.condition;
  switch (condition.kind) {
    case 'exists':
      return row !== undefined;
    case 'notExists':
      return row === undefined;
    case 'columns':
      return condition.checks.every((c) => columnHolds(c, c.isStatic ? state.staticRow : row));
  }
}

/** The columns Cassandra returns with a failed condition (see the header). */
function resultColumns(table: TableMetadata, checks: readonly RowCheck[], isBatch: boolean): ColumnMetadata[] {
  if (checks.some((c) => c.condition.kind !== 'columns')) return [...table.columns];
  const names = new Set<string>();
  if (isBatch) for (const c of [...table.partitionKey, ...table.clustering]) names.add(c.name);
  for (const check of checks) {
    if (check.condition.kind === 'columns') for (const c of check.condition.checks) names.add(c.column);
  }
  return [...names].flatMap((name) => table.columns.filter((c) => c.name === name));
}

function failureResponse(
  conditions: PlannedConditions,
  table: TableMetadata,
  state: PartitionState,
  isBatch: boolean,
): CqlAppliedResponse {
  const columns = resultColumns(table, conditions.checks, isBatch);
  const keyValues = decodeComparableKey(
    table.partitionKey.map((c) => ({ type: c.type, order: 'asc' as const })),
    conditions.partitionKey,
  );
  const rows: Record<string, JsonValue>[] = [];
  const build = (row: LiveRow | undefined, clusteringValues: readonly CqlValue[]) => {
    const out: Record<string, JsonValue> = {};
    out[APPLIED_COLUMN] = false;
    for (const column of columns) {
      let value: CqlValue | null;
      if (column.kind === 'partition_key') value = keyValues[column.position] ?? null;
      else if (column.kind === 'clustering') value = clusteringValues[column.position] ?? null;
      else value = columnValue(column.name, column.type, column.kind === 'static' ? state.staticRow : row);
      Object.defineProperty(out, column.name, {
        value: valueToJson(column.type, value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    rows.push(out);
  };
  const seen = new Set<string>();
  for (const check of conditions.checks) {
    if (check.isStatic || seen.has(check.clustering)) continue;
    seen.add(check.clustering);
    const row = state.row(check.clustering);
    if (row !== undefined) build(row, check.clusteringValues);
  }
  if (rows.length === 0 && conditions.checks.some((c) => c.isStatic) && state.staticRow !== undefined) {
    build(undefined, []);
  }
  const applied: CqlColumn = { name: APPLIED_COLUMN, type: 'boolean' };
  if (rows.length === 0) return { applied: false, columns: [applied], rows: [{ [APPLIED_COLUMN]: false }] };
  return {
    applied: false,
    columns: [applied, ...columns.map((c) => ({ name: c.name, type: formatCqlType(c.type) }))],
    rows,
  };
}

/**
 * Decides a conditional write: undefined when every check holds (write it),
 * otherwise the answer to send instead.
 */
export function evaluateConditions(
  conditions: PlannedConditions,
  table: TableMetadata,
  partition: PartitionUpdate | undefined,
  nowSec: number,
  isBatch: boolean,
): CqlAppliedResponse | undefined {
  const state = new PartitionState(partition, table, nowSec);
  if (conditions.checks.every((check) => rowHolds(check, state))) return undefined;
  return failureResponse(conditions, table, state, isBatch);
}
