/**
 * Merging versions of a partition (a memtable applying a write, a read
 * combining memtables and SSTables, compaction) and resolving what a read
 * sees at a given time.
 */
import { type Cell, isLiveCell } from './cell.js';
import { type DeletionTime, deletes, laterDeletion } from './deletion.js';
import type { PartitionUpdate, RangeTombstone } from './partition-update.js';
import { mergeRows, type Row } from './row.js';

/** Merges two row lists sorted by clustering. */
export function mergeRowLists(a: readonly Row[], b: readonly Row[]): Row[] {
  const out: Row[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x.clustering < y.clustering)) {
      out.push(x!);
      i++;
    } else if (x === undefined || y.clustering < x.clustering) {
      out.push(y);
      j++;
    } else {
      out.push(mergeRows(x, y));
      i++;
      j++;
    }
  }
  return out;
}

/** Two versions of one partition of one table, merged. Range tombstones are kept side by side. */
export function mergePartitions(a: PartitionUpdate, b: PartitionUpdate): PartitionUpdate {
  let staticRow = a.staticRow;
  if (b.staticRow !== undefined) staticRow = staticRow === undefined ? b.staticRow : mergeRows(staticRow, b.staticRow);
  return {
    tableId: a.tableId,
    key: a.key,
    deletion: laterDeletion(a.deletion, b.deletion),
    staticRow,
    rows: mergeRowLists(a.rows, b.rows),
    rangeTombstones:
      b.rangeTombstones.length === 0
        ? a.rangeTombstones
        : a.rangeTombstones.length === 0
          ? b.rangeTombstones
          : [...a.rangeTombstones, ...b.rangeTombstones],
  };
}

/** A row as a read sees it: only what is live and not shadowed. */
export interface LiveRow {
  readonly clustering: string;
  /** Live cells, by (column, path). */
  readonly cells: readonly Cell[];
}

/** The strongest deletion covering `clustering`: the partition's, any range tombstone's. */
export function coveringDeletion(
  partitionDeletion: DeletionTime | undefined,
  rangeTombstones: readonly RangeTombstone[],
  clustering: string,
): DeletionTime | undefined {
  let d = partitionDeletion;
  for (const rt of rangeTombstones) {
    if (rt.start <= clustering && clustering < rt.end) d = laterDeletion(d, rt.deletion);
  }
  return d;
}

/**
 * What a read at `nowSec` sees of a row under an outer deletion: cells that
 * are live and newer than every deletion over them. The row exists if its
 * primary-key liveness survives or any cell does; otherwise undefined.
 */
export function liveRow(row: Row, outer: DeletionTime | undefined, nowSec: number): LiveRow | undefined {
  const deletion = laterDeletion(outer, row.deletion);
  const cells: Cell[] = [];
  for (const cell of row.cells) {
    if (!isLiveCell(cell, nowSec) || deletes(deletion, cell.timestampMicros)) continue;
    if (cell.path !== undefined) {
      const complex = row.complexDeletions.find((c) => c.column === cell.column);
      if (deletes(complex?.deletion, cell.timestampMicros)) continue;
    }
    cells.push(cell);
  }
  const liveness = row.liveness;
  const exists =
    cells.length > 0 ||
    (liveness !== undefined &&
      !deletes(deletion, liveness.timestampMicros) &&
      nowSec < liveness.localExpirationTimeSec);
  return exists ? { clustering: row.clustering, cells } : undefined;
}

/** Everything a read at `nowSec` sees of a partition. */
export function livePartition(
  partition: PartitionUpdate,
  nowSec: number,
): { staticRow: LiveRow | undefined; rows: LiveRow[] } {
  const staticRow =
    partition.staticRow === undefined ? undefined : liveRow(partition.staticRow, partition.deletion, nowSec);
  const rows: LiveRow[] = [];
  for (const row of partition.rows) {
    const live = liveRow(row, coveringDeletion(partition.deletion, partition.rangeTombstones, row.clustering), nowSec);
    if (live !== undefined) rows.push(live);
  }
  return { staticRow, rows };
}
