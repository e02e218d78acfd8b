/**
 * Rows and the merge of two versions of one row. Rows are identified by their
 * clustering: the byte-comparable encoding of the clustering columns as a
 * latin1 string ('' for the static row and for tables without clustering
 * columns), so rows sort with `<`.
 */
import { type Cell, compareCellPosition, reconcileCells } from './cell.js';
import { type DeletionTime, deletes, laterDeletion } from './deletion.js';

/**
 * The primary-key liveness an INSERT writes: a row inserted with only its key
 * exists until deleted (or until `localExpirationTimeSec`, with a TTL) even
 * when every column is null. An UPDATE writes none.
 */
export interface LivenessInfo {
  readonly timestampMicros: number;
  readonly ttlSec: number;
  /** NO_DELETION_TIME without a TTL. */
  readonly localExpirationTimeSec: number;
}

/** A tombstone over a whole non-frozen collection (written when a collection is overwritten or deleted). */
export interface ComplexDeletion {
  readonly column: string;
  readonly deletion: DeletionTime;
}

export interface Row {
  readonly clustering: string;
  readonly liveness: LivenessInfo | undefined;
  /** Row tombstone. */
  readonly deletion: DeletionTime | undefined;
  /** Sorted by (column, path), one cell per position. */
  readonly cells: readonly Cell[];
  /** Sorted by column, one per column. */
  readonly complexDeletions: readonly ComplexDeletion[];
}

export function emptyRow(clustering: string): Row {
  return { clustering, liveness: undefined, deletion: undefined, cells: [], complexDeletions: [] };
}

function laterLiveness(a: LivenessInfo | undefined, b: LivenessInfo | undefined): LivenessInfo | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a.timestampMicros !== b.timestampMicros) return a.timestampMicros > b.timestampMicros ? a : b;
  if (a.localExpirationTimeSec !== b.localExpirationTimeSec) {
    return a.localExpirationTimeSec > b.localExpirationTimeSec ? a : b;
  }
  // Tied on both: the TTL decides, so that the merge does not depend on the order of its arguments.
  return a.ttlSec >= b.ttlSec ? a : b;
}

function mergeComplexDeletions(
  a: readonly ComplexDeletion[],
  b: readonly ComplexDeletion[],
): readonly ComplexDeletion[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: ComplexDeletion[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x.column < y.column)) {
      out.push(x!);
      i++;
    } else if (x === undefined || y.column < x.column) {
      out.push(y);
      j++;
    } else {
      out.push({ column: x.column, deletion: laterDeletion(x.deletion, y.deletion)! });
      i++;
      j++;
    }
  }
  return out.slice();
}

function complexDeletionOf(deletions: readonly ComplexDeletion[], column: string): DeletionTime | undefined {
  for (const d of deletions) if (d.column === column) return d.deletion;
  return undefined;
}

/**
 * Merges two versions of the row at one clustering: the later liveness and
 * deletion, cells reconciled position by position. What the merged row's own
 * deletions shadow (older liveness, cells, collection elements) is dropped,
 * since it can never be read again; the deletions themselves are kept.
 */
export function mergeRows(a: Row, b: Row): Row {
  const deletion = laterDeletion(a.deletion, b.deletion);
  let liveness = laterLiveness(a.liveness, b.liveness);
  if (liveness !== undefined && deletes(deletion, liveness.timestampMicros)) liveness = undefined;
  const complexDeletions = mergeComplexDeletions(a.complexDeletions, b.complexDeletions);
  const cells: Cell[] = [];
  const keep = (cell: Cell) => {
    if (deletes(deletion, cell.timestampMicros)) return;
    if (cell.path !== undefined && deletes(complexDeletionOf(complexDeletions, cell.column), cell.timestampMicros)) {
      return;
    }
    cells.push(cell);
  };
  let i = 0;
  let j = 0;
  while (i < a.cells.length || j < b.cells.length) {
    const x = a.cells[i];
    const y = b.cells[j];
    const order = x === undefined ? 1 : y === undefined ? -1 : compareCellPosition(x, y);
    if (order < 0) {
      keep(x!);
      i++;
    } else if (order > 0) {
      keep(y!);
      j++;
    } else {
      keep(reconcileCells(x!, y!));
      i++;
      j++;
    }
  }
  // A merged row may live long (in a memtable): `slice` trims the slack that `push` leaves
  // (an array grown by push holds at least 17 slots: 184 bytes for one cell instead of 56).
  return { clustering: a.clustering, liveness, deletion, cells: cells.slice(), complexDeletions };
}

/** Rough heap bytes a row holds, for memtable accounting. */
export function rowSizeBytes(row: Row): number {
  let bytes = 64 + row.clustering.length * 2;
  for (const cell of row.cells) {
    bytes += 56 + cell.column.length * 2 + (cell.path?.length ?? 0) * 2 + (cell.value?.length ?? 0);
  }
  return bytes + row.complexDeletions.length * 48;
}
