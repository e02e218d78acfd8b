/**
 * The memtable: one table's recent writes, merged in memory and sorted the way
 * an SSTable is, until a flush writes them out. Partitions sit in a
 * SortedStringMap keyed by partitionPosition (token, then key bytes); within a
 * partition, rows by clustering (partition.ts). A write merges into what is
 * there in the one descent that finds it; a read returns a snapshot.
 *
 * The memtable tracks an estimate of the heap it holds (size.ts) so that the
 * storage engine can flush it at a configured size, and the range of the
 * timestamps written to it, for the flushed SSTable's statistics. A frozen
 * memtable (being flushed) refuses writes and keeps serving reads and scans.
 * Positions hash the partition key: initChecksums() must have completed.
 */
import { ErrorCodes, type PartitionUpdate, partitionPosition, RingtailError } from '@ringtail/codec';
import { PartitionState, RowMerger } from './partition.js';
import { PARTITION_STATE_BYTES, stringBytes, TREE_BYTES, TREE_ENTRY_BYTES } from './size.js';
import { SortedStringMap } from './sorted-map.js';
import { UpdateChecker } from './validate.js';

export interface MemtableOptions {
  /** The table whose writes this memtable holds; every update applied must name it. */
  tableId: string;
}

/**
 * Bounds of a scan, as partition positions (`partitionPosition(key)`, or a
 * token's 8 bytes from `tokenPrefix(token)`, which sorts before every key of
 * that token). An omitted bound is open. By default the range is half-open,
 * from inclusive and to exclusive, as SortedStringMap.entries.
 */
export interface PartitionRange {
  fromPosition?: string;
  /** Default true. */
  fromInclusive?: boolean;
  toPosition?: string;
  /** Default false. */
  toInclusive?: boolean;
}

function createPartition(): PartitionState {
  return new PartitionState();
}

function isEmptyUpdate(update: PartitionUpdate): boolean {
  return (
    update.deletion === undefined &&
    update.staticRow === undefined &&
    update.rows.length === 0 &&
    update.rangeTombstones.length === 0
  );
}

export class Memtable {
  readonly tableId: string;
  private readonly partitions = new SortedStringMap<PartitionState>();
  private readonly merger = new RowMerger();
  private readonly checker = new UpdateChecker();
  private heapBytes = TREE_BYTES;
  private minTimestamp = Number.MAX_SAFE_INTEGER;
  private maxTimestamp = Number.MIN_SAFE_INTEGER;
  private isFrozen = false;

  constructor(options: MemtableOptions) {
    if (typeof options?.tableId !== 'string' || options.tableId === '') {
      throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, 'Memtable needs a tableId');
    }
    this.tableId = options.tableId;
  }

  /**
   * Merges `update` in. Returns the change in `sizeBytes`. The memtable keeps the update's
   * rows, cells and values rather than copies: the caller must not modify
   * them afterwards. Throws RT_INVALID_ARGUMENT for a malformed update or one
   * of another table, and RT_CLOSED once frozen; either way nothing is applied.
   */
  apply(update: PartitionUpdate): number {
    if (this.isFrozen) {
      throw new RingtailError(ErrorCodes.CLOSED, `the memtable of table ${this.tableId} is frozen for flushing`);
    }
    const checker = this.checker;
    checker.check(update, this.tableId);
    if (isEmptyUpdate(update)) return 0;
    if (checker.minTimestampMicros < this.minTimestamp) this.minTimestamp = checker.minTimestampMicros;
    if (checker.maxTimestampMicros > this.maxTimestamp) this.maxTimestamp = checker.maxTimestampMicros;

    const position = partitionPosition(update.key);
    const partitions = this.partitions;
    const countBefore = partitions.size;
    const partition = partitions.getOrInsert(position, createPartition);
    let deltaBytes =
      partitions.size === countBefore ? 0 : PARTITION_STATE_BYTES + TREE_ENTRY_BYTES + stringBytes(position.length);
    deltaBytes += partition.apply(update, this.merger);
    this.heapBytes += deltaBytes;
    return deltaBytes;
  }

  /** The merged state of the partition with `key`, as a snapshot later writes do not change; undefined if none. */
  get(key: Uint8Array): PartitionUpdate | undefined {
    const position = partitionPosition(key);
    return this.partitions.get(position)?.snapshot(this.tableId, position);
  }

  /**
   * The partitions in `range`, in (token, key) order, each a complete
   * snapshot: after `freeze()`, exactly what a flush writes. Writes made
   * while a scan runs may or may not be seen by it; each partition yielded is
   * consistent.
   */
  scan(range: PartitionRange = {}): IterableIterator<PartitionUpdate> {
    const { fromPosition, toPosition } = range;
    if (
      (fromPosition !== undefined && typeof fromPosition !== 'string') ||
      (toPosition !== undefined && typeof toPosition !== 'string')
    ) {
      throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, 'scan bounds must be partition positions (strings)');
    }
    return this.scanPartitions(fromPosition, range.fromInclusive ?? true, toPosition, range.toInclusive ?? false);
  }

  /** Refuses further writes (apply throws RT_CLOSED); reads and scans go on. Idempotent. */
  freeze(): void {
    this.isFrozen = true;
  }

  get frozen(): boolean {
    return this.isFrozen;
  }

  /** Estimated heap held, in bytes: the sum of every apply's return value, plus the empty memtable. */
  get sizeBytes(): number {
    return this.heapBytes;
  }

  get partitionCount(): number {
    return this.partitions.size;
  }

  /**
   * The lowest timestamp written (cells, row liveness, and the marks of
   * every kind of deletion); Number.MAX_SAFE_INTEGER while nothing is.
   */
  get minTimestampMicros(): number {
    return this.minTimestamp;
  }

  /** The highest timestamp written; Number.MIN_SAFE_INTEGER while nothing is. */
  get maxTimestampMicros(): number {
    return this.maxTimestamp;
  }

  /**
   * Throws if the memtable's structure is broken or `sizeBytes` is not the
   * sum of what its partitions hold (recomputed). For tests.
   */
  assertInvariants(): void {
    this.partitions.assertInvariants();
    let bytes = TREE_BYTES;
    for (const [position, partition] of this.partitions) {
      bytes += PARTITION_STATE_BYTES + TREE_ENTRY_BYTES + stringBytes(position.length) + partition.checkedHeapBytes();
    }
    if (bytes !== this.heapBytes) throw new Error(`Memtable: sizeBytes is ${this.heapBytes}, its parts hold ${bytes}`);
  }

  private *scanPartitions(
    from: string | undefined,
    fromInclusive: boolean,
    to: string | undefined,
    toInclusive: boolean,
  ): Generator<PartitionUpdate, void, undefined> {
    for (const [position, partition] of this.partitions.entries(from, to, { fromInclusive, toInclusive })) {
      yield partition.snapshot(this.tableId, position);
    }
  }
}
