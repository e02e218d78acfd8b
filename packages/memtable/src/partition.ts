/**
 * One partition inside a memtable: every write to it merged, last write wins
 * (codec's mergeRows). Rows are immutable values: a merge stores a new row in
 * place of the old, so a snapshot taken earlier keeps seeing the old one.
 */
import {
  type DeletionTime,
  keyOfPosition,
  laterDeletion,
  mergeRows,
  type PartitionUpdate,
  type RangeTombstone,
  type Row,
} from '@ringtail/codec';
import {
  DELETION_TIME_BYTES,
  RANGE_TOMBSTONE_LIST_BYTES,
  rangeTombstoneBytes,
  rowHeapBytes,
  TREE_BYTES,
  TREE_ENTRY_BYTES,
} from './size.js';
import { SortedStringMap } from './sorted-map.js';

const NO_RANGE_TOMBSTONES: readonly RangeTombstone[] = Object.freeze([]);

/**
 * The merge that SortedStringMap.upsert calls, made once per memtable rather
 * than a closure per write: it adds the change in heap bytes to `deltaBytes`.
 */
export class RowMerger {
  deltaBytes = 0;

  readonly merge = (existing: Row, incoming: Row): Row => {
    const merged = mergeRows(existing, incoming);
    this.deltaBytes += rowHeapBytes(merged) - rowHeapBytes(existing);
    return merged;
  };
}

export class PartitionState {
  deletion: DeletionTime | undefined = undefined;
  staticRow: Row | undefined = undefined;
  /**
   * The partition's row while it has exactly one. Most partitions of a
   * write-heavy table hold one row, and a B+tree for it would more than
   * double the memory the partition takes.
   */
  onlyRow: Row | undefined = undefined;
  /** The rows by clustering, once there are two or more (then `onlyRow` is undefined). */
  rowMap: SortedStringMap<Row> | undefined = undefined;
  /** Side by side, as mergePartitions keeps them; reads take the strongest one covering a row. */
  rangeTombstones: RangeTombstone[] | undefined = undefined;

  /** Merges `update` (of this partition) in; returns the change in heap bytes. */
  apply(update: PartitionUpdate, merger: RowMerger): number {
    let deltaBytes = 0;
    if (update.deletion !== undefined) {
      if (this.deletion === undefined) deltaBytes += DELETION_TIME_BYTES;
      this.deletion = laterDeletion(this.deletion, update.deletion);
    }
    const incomingStatic = update.staticRow;
    if (incomingStatic !== undefined) {
      const existing = this.staticRow;
      if (existing === undefined) {
        this.staticRow = incomingStatic;
        deltaBytes += rowHeapBytes(incomingStatic);
      } else {
        this.staticRow = mergeRows(existing, incomingStatic);
        deltaBytes += rowHeapBytes(this.staticRow) - rowHeapBytes(existing);
      }
    }
    const rows = update.rows;
    for (let i = 0; i < rows.length; i++) deltaBytes += this.applyRow(rows[i]!, merger);
    const rangeTombstones = update.rangeTombstones;
    if (rangeTombstones.length > 0) {
      if (this.rangeTombstones === undefined) {
        this.rangeTombstones = [];
        deltaBytes += RANGE_TOMBSTONE_LIST_BYTES;
      }
      for (const rt of rangeTombstones) {
        this.rangeTombstones.push(rt);
        deltaBytes += rangeTombstoneBytes(rt);
      }
    }
    return deltaBytes;
  }

  private applyRow(row: Row, merger: RowMerger): number {
    const rowMap = this.rowMap;
    if (rowMap !== undefined) {
      merger.deltaBytes = 0;
      const stored = rowMap.upsert(row.clustering, row, merger.merge);
      // mergeRows always returns a new row, so `row` itself is stored only when it was inserted.
      return stored === row ? rowHeapBytes(row) + TREE_ENTRY_BYTES : merger.deltaBytes;
    }
    const only = this.onlyRow;
    if (only === undefined) {
      this.onlyRow = row;
      return rowHeapBytes(row);
    }
    if (only.clustering === row.clustering) {
      const merged = mergeRows(only, row);
      this.onlyRow = merged;
      return rowHeapBytes(merged) - rowHeapBytes(only);
    }
    const map = new SortedStringMap<Row>();
    map.set(only.clustering, only);
    map.set(row.clustering, row);
    this.rowMap = map;
    this.onlyRow = undefined;
    return TREE_BYTES + 2 * TREE_ENTRY_BYTES + rowHeapBytes(row);
  }

  /**
   * The partition's heap bytes recomputed from what it holds, to check the
   * figures `apply` returned against; throws if the row map is broken. For tests.
   */
  checkedHeapBytes(): number {
    let bytes = 0;
    if (this.deletion !== undefined) bytes += DELETION_TIME_BYTES;
    if (this.staticRow !== undefined) bytes += rowHeapBytes(this.staticRow);
    if (this.onlyRow !== undefined) bytes += rowHeapBytes(this.onlyRow);
    if (this.rowMap !== undefined) {
      if (this.onlyRow !== undefined || this.rowMap.size < 2)
        throw new Error('PartitionState: row map beside a single row');
      this.rowMap.assertInvariants();
      bytes += TREE_BYTES;
      for (const [clustering, row] of this.rowMap) {
        if (row.clustering !== clustering) throw new Error('PartitionState: row stored under another clustering');
        bytes += TREE_ENTRY_BYTES + rowHeapBytes(row);
      }
    }
    if (this.rangeTombstones !== undefined) {
      bytes += RANGE_TOMBSTONE_LIST_BYTES;
      for (const rt of this.rangeTombstones) bytes += rangeTombstoneBytes(rt);
    }
    return bytes;
  }

  /** The partition as a PartitionUpdate of its own: later writes change the memtable, never it. */
  snapshot(tableId: string, position: string): PartitionUpdate {
    let rows: Row[];
    if (this.rowMap !== undefined) {
      rows = [];
      for (const [, row] of this.rowMap) rows.push(row);
    } else {
      rows = this.onlyRow === undefined ? [] : [this.onlyRow];
    }
    return {
      tableId,
      key: keyOfPosition(position),
      deletion: this.deletion,
      staticRow: this.staticRow,
      rows,
      rangeTombstones: this.rangeTombstones === undefined ? NO_RANGE_TOMBSTONES : this.rangeTombstones.slice(),
    };
  }
}
