/**
 * What compaction writes of a merged partition (docs/storage.md, "Purging"):
 *
 * - data a deletion of the partition shadows is dropped — cells, row
 *   liveness, collection elements and weaker deletions under the partition
 *   deletion, a range tombstone, the row deletion or a collection deletion;
 * - range tombstones become disjoint ranges, each with the strongest deletion
 *   over it;
 * - an expired cell loses its value (it stays an expired cell: see compactCell);
 * - a tombstone — and an expired cell or row liveness — is purged once its
 *   local deletion time is before `gcBeforeSec` and it was marked before
 *   every write outside the compaction that might be of this partition;
 * - what is left empty is dropped, the partition included.
 *
 * A read of the result at any time sees what a read of the input sees, as
 * long as no write older than a purged tombstone arrives later (which
 * gc_grace_seconds exists to rule out).
 */
import {
  type Cell,
  type ComplexDeletion,
  type DeletionTime,
  deletes,
  isLiveCell,
  isLiveDeletion,
  laterDeletion,
  type PartitionUpdate,
  type RangeTombstone,
  type Row,
} from '@ringtail/codec';

export interface PurgeContext {
  readonly nowSec: number;
  /** `nowSec - gcGraceSeconds`: a tombstone deleted locally before it has been kept long enough. */
  readonly gcBeforeSec: number;
  /**
   * The oldest timestamp that data of this partition outside the compaction
   * (other SSTables, memtables) might have; Number.MAX_SAFE_INTEGER if none.
   * Called at most once per partition, and only if something could be purged.
   */
  readonly maxPurgeableTimestampMicros: () => number;
}

class Purger {
  private outsideMinTimestamp: number | undefined;

  constructor(readonly context: PurgeContext) {}

  /** Whether nothing outside the compaction can hold a write at or before `timestampMicros`. */
  private olderThanOutside(timestampMicros: number): boolean {
    this.outsideMinTimestamp ??= this.context.maxPurgeableTimestampMicros();
    return timestampMicros < this.outsideMinTimestamp;
  }

  purgeable(markedAtMicros: number, localDeletionTimeSec: number): boolean {
    return localDeletionTimeSec < this.context.gcBeforeSec && this.olderThanOutside(markedAtMicros);
  }

  keepDeletion(d: DeletionTime | undefined): DeletionTime | undefined {
    if (d === undefined || isLiveDeletion(d)) return undefined;
    return this.purgeable(d.markedForDeleteAtMicros, d.localDeletionTimeSec) ? undefined : d;
  }
}

/** The partition as compaction writes it, or undefined if nothing of it needs keeping. */
export function compactPartition(partition: PartitionUpdate, context: PurgeContext): PartitionUpdate | undefined {
  const purger = new Purger(context);
  const partitionDeletion = isLiveDeletion(partition.deletion) ? undefined : partition.deletion;
  const ranges = normalizeRangeTombstones(partition.rangeTombstones, partitionDeletion);
  const staticRow =
    partition.staticRow === undefined ? undefined : compactRow(partition.staticRow, partitionDeletion, purger);
  const rows: Row[] = [];
  let r = 0;
  for (const row of partition.rows) {
    while (r < ranges.length && ranges[r]!.end <= row.clustering) r++;
    const range = ranges[r];
    const covering = range !== undefined && range.start <= row.clustering ? range.deletion : undefined;
    const compacted = compactRow(row, laterDeletion(partitionDeletion, covering), purger);
    if (compacted !== undefined) rows.push(compacted);
  }
  const rangeTombstones = ranges.filter((rt) => purger.keepDeletion(rt.deletion) !== undefined);
  const deletion = purger.keepDeletion(partitionDeletion);
  if (deletion === undefined && staticRow === undefined && rows.length === 0 && rangeTombstones.length === 0) {
    return undefined;
  }
  return { tableId: partition.tableId, key: partition.key, deletion, staticRow, rows, rangeTombstones };
}

/** `d` is no stronger than `outer`: everything it deletes, `outer` does. */
function dominated(d: DeletionTime, outer: DeletionTime | undefined): boolean {
  return outer !== undefined && d.markedForDeleteAtMicros <= outer.markedForDeleteAtMicros;
}

function compactRow(row: Row, outer: DeletionTime | undefined, purger: Purger): Row | undefined {
  const nowSec = purger.context.nowSec;
  const rowDeletion =
    row.deletion === undefined || isLiveDeletion(row.deletion) || dominated(row.deletion, outer)
      ? undefined
      : row.deletion;
  const deletion = laterDeletion(outer, rowDeletion);

  let liveness = row.liveness;
  if (liveness !== undefined) {
    const { timestampMicros, localExpirationTimeSec } = liveness;
    // An expired liveness still hides an older one elsewhere (last write wins), so it goes only when purgeable.
    const expired = nowSec >= localExpirationTimeSec && purger.purgeable(timestampMicros, localExpirationTimeSec);
    if (expired || deletes(deletion, timestampMicros)) liveness = undefined;
  }

  const complex: ComplexDeletion[] = [];
  for (const c of row.complexDeletions) {
    if (!isLiveDeletion(c.deletion) && !dominated(c.deletion, deletion)) complex.push(c);
  }

  const cells: Cell[] = [];
  for (const cell of row.cells) {
    if (deletes(deletion, cell.timestampMicros)) continue;
    if (cell.path !== undefined && deletes(complexDeletionOf(complex, cell.column), cell.timestampMicros)) continue;
    const kept = compactCell(cell, purger, nowSec);
    if (kept !== undefined) cells.push(kept);
  }

  const complexDeletions = complex.filter((c) => purger.keepDeletion(c.deletion) !== undefined);
  const keptDeletion = purger.keepDeletion(rowDeletion);
  if (liveness === undefined && keptDeletion === undefined && cells.length === 0 && complexDeletions.length === 0) {
    return undefined;
  }
  return { clustering: row.clustering, liveness, deletion: keptDeletion, cells, complexDeletions };
}

const NO_BYTES = new Uint8Array(0);

function compactCell(cell: Cell, purger: Purger, nowSec: number): Cell | undefined {
  if (cell.value !== undefined && isLiveCell(cell, nowSec)) return cell;
  // A tombstone, or an expired cell: a tombstone in all but name, deleted when it expired.
  if (purger.purgeable(cell.timestampMicros, cell.localDeletionTimeSec)) return undefined;
  if (cell.value === undefined || cell.value.length === 0) return cell;
  // Not a tombstone: one would beat a cell of the same timestamp written later that expires later,
  // which the expired cell does not (reconcileCells). Its value only ever decides between two cells
  // expiring at the same second — both expired by now — so it goes, and nothing a read sees changes.
  return { ...cell, value: NO_BYTES };
}

function complexDeletionOf(deletions: readonly ComplexDeletion[], column: string): DeletionTime | undefined {
  for (const d of deletions) if (d.column === column) return d.deletion;
  return undefined;
}

function sameDeletion(a: DeletionTime, b: DeletionTime): boolean {
  return a.markedForDeleteAtMicros === b.markedForDeleteAtMicros && a.localDeletionTimeSec === b.localDeletionTimeSec;
}

/**
 * Range tombstones as sorted, disjoint ranges, each with the strongest
 * deletion over it (what `coveringDeletion` would find there); neighbours
 * with the same deletion joined; those the partition deletion covers dropped.
 */
export function normalizeRangeTombstones(
  rangeTombstones: readonly RangeTombstone[],
  partitionDeletion: DeletionTime | undefined,
): RangeTombstone[] {
  const relevant = rangeTombstones
    .filter((rt) => !isLiveDeletion(rt.deletion) && !dominated(rt.deletion, partitionDeletion))
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  if (relevant.length <= 1) return relevant;
  const bounds = [...new Set(relevant.flatMap((rt) => [rt.start, rt.end]))].sort();
  const out: RangeTombstone[] = [];
  let active: RangeTombstone[] = [];
  let next = 0;
  for (let i = 0; i + 1 < bounds.length; i++) {
    const start = bounds[i]!;
    const end = bounds[i + 1]!;
    active = active.filter((rt) => rt.end > start);
    while (next < relevant.length && relevant[next]!.start <= start) active.push(relevant[next++]!);
    let deletion: DeletionTime | undefined;
    for (const rt of active) deletion = laterDeletion(deletion, rt.deletion);
    if (deletion === undefined) continue;
    const last = out.at(-1);
    if (last !== undefined && last.end === start && sameDeletion(last.deletion, deletion)) {
      out[out.length - 1] = { start: last.start, end, deletion: last.deletion };
    } else {
      out.push({ start, end, deletion });
    }
  }
  return out;
}
